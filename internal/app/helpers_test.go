package app_test

import (
	"strconv"

	"zhitong/internal/store"
)

func storeQuery(object string) store.AuditQuery { return store.AuditQuery{Object: object} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
