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

// policyFor returns the policy governing a case about region code: the own
// policy of the organisation governing it, else the deployment's.
func (a *App) policyFor(ctx context.Context, q store.Q, code string) (*Policy, error) {
	org, err := store.OrganisationFor(ctx, q, code)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return a.policy(), nil
	} else if err != nil {
		return nil, err
	}
	return a.policyAt(ctx, q, orgPolicyKey(org.RegionCode))
}
