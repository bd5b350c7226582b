package store

// SearchPageQuery is the query of the first page of f's search as the
// word's hits drive it (searchIDs), for the plan tests of store_test.
func SearchPageQuery(q Q, f CaseFilter, tsQuery string) (string, []any) {
	return searchIDs(q, f, "", tsQuery, false, true, nil, SearchCountCap+1, 0)
}

// CasesChangedSinceSQL is the statement of CasesChangedSince, for its plan.
const CasesChangedSinceSQL = casesChangedSince

// QueryPlan is SQLite's EXPLAIN QUERY PLAN of a query, one step a line.
var QueryPlan = queryPlan
