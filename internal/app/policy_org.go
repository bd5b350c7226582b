package app

import (
	"context"
	"encoding/json"
	"fmt"

	"zhitong"
	"zhitong/internal/store"
)

// Deadline policies per organisation (docs/stations.md, "Cross-border
// stations across provinces"). One deployment may serve organisations of
// two provinces (定南县 and 和平县, sharing 岭北镇赣粤边界联络站); each sets
// its own default deadlines, and a case's deadline follows the
// organisation governing the region the case is about.
//
// The committee whose jurisdiction holds every organisation of the
// deployment (every single-organisation deployment's committee) sets the
// deployment's policy (meta key deadline_policy), as before. The committee
// of an organisation beside or below others sets that organisation's own
// policy (meta key deadline_policy:<organisation region>). An organisation
// without its own policy follows the deployment's.

// orgPolicyKey is the meta key of organisation org's own policy.
func orgPolicyKey(org string) string { return policyKey + ":" + org }

// policyScope is the meta key p's committee reads and writes: the
// deployment's policy when p's region holds every organisation, else the
// policy of the organisation governing p's region.
func (a *App) policyScope(ctx context.Context, q store.Q, p zhitong.Principal) (string, error) {
	orgs, err := store.ListOrganisations(ctx, q)
	if err != nil {
		return "", err
	}
	whole := true
	for _, o := range orgs {
		if !inSubtree(o.RegionCode, p.RegionCode) {
			whole = false
		}
	}
	if whole {
		return policyKey, nil
	}
	org, err := store.OrganisationFor(ctx, q, p.RegionCode)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return policyKey, nil
	} else if err != nil {
		return "", err
	}
	return orgPolicyKey(org.RegionCode), nil
}

// policyAt returns the policy stored under key, or the deployment's when
// an organisation has none of its own.
func (a *App) policyAt(ctx context.Context, q store.Q, key string) (*Policy, error) {
	if key == policyKey {
		return a.policy(), nil
	}
	s, err := store.GetMeta(ctx, q, key)
	if err != nil {
		return nil, fmt.Errorf("load deadline policy: %w", err)
	}
	if s == "" {
		return a.policy(), nil
	}
	p := DefaultPolicy()
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("load deadline policy %s: %w", key, err)
	}
	return &p, nil
}

// policyFor returns the policy governing case c (docs/levels.md,
// "Deadlines"): the own policy of the organisation HOLDING it — the one it
// was moved to between levels (cases.held_by), else the one governing its
// region — or the deployment's when that organisation has none. A case
// moved up to the city runs under the city's policy, moved back down under
// the county's. Every per-case use of the policy goes through here: the
// default deadline at assignment, a re-handle round, reminders and
// supervision thresholds, call-backs.
func (a *App) policyFor(ctx context.Context, q store.Q, c *store.CaseRecord) (*Policy, error) {
	return a.policyOf(ctx, q, c.HeldBy, c.RegionCode)
}

// policyOf is policyFor for a case held by heldBy ("" when never moved)
// about region.
func (a *App) policyOf(ctx context.Context, q store.Q, heldBy, region string) (*Policy, error) {
	org := heldBy
	if org == "" {
		o, err := store.OrganisationFor(ctx, q, region)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return a.policy(), nil
		} else if err != nil {
			return nil, err
		}
		org = o.RegionCode
	}
	return a.policyAt(ctx, q, orgPolicyKey(org))
}

// casePolicies memoises policyOf over one sweep (escalation, call-backs):
// a sweep walks many cases of few organisations.
type casePolicies struct {
	a  *App
	by map[[2]string]*Policy
}

func (a *App) casePolicies() *casePolicies {
	return &casePolicies{a: a, by: map[[2]string]*Policy{}}
}

func (m *casePolicies) of(ctx context.Context, q store.Q, heldBy, region string) (*Policy, error) {
	k := [2]string{heldBy, region}
	if p, ok := m.by[k]; ok {
		return p, nil
	}
	p, err := m.a.policyOf(ctx, q, heldBy, region)
	if err == nil {
		m.by[k] = p
	}
	return p, err
}

// allPolicies are the deployment's policy and every organisation's own:
// a sweep's pre-filter takes the widest window any of them asks for.
func (a *App) allPolicies(ctx context.Context, q store.Q) ([]*Policy, error) {
	orgs, err := store.ListOrganisations(ctx, q)
	if err != nil {
		return nil, err
	}
	out := []*Policy{a.policy()}
	for _, o := range orgs {
		p, err := a.policyAt(ctx, q, orgPolicyKey(o.RegionCode))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
