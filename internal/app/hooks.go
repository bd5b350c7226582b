package app

import (
	"context"
	"slices"
	"sync"

	"zhitong"
	"zhitong/internal/store"
)

// Hooks are how another area takes part in the case steps, inside the
// step's own transaction; an error from any hook undoes the step. Each area
// installs its Hooks under its name (SetHooks); internal/hooks installs
// every area's (documents, exchange) for the server and every command alike.
type Hooks struct {
	// Step runs in every lifecycle step, after the case and its event are
	// written (internal/exchange: the status goes back to the hotline a
	// case came from).
	Step StepHook
	// Assigned runs once per assignment, after the cases are handed to
	// their lead unit and saved: one case, or every case of a batch
	// assignment to one unit (internal/documents: one 交办函 for them all).
	Assigned func(ctx context.Context, tx *store.Tx, p zhitong.Principal, cases []*store.CaseRecord) error
	// Letter runs after a supervision letter is numbered and stored
	// (internal/documents: its 督办函).
	Letter func(ctx context.Context, tx *store.Tx, p zhitong.Principal, l *store.Letter) error
}

// StepHook is the part of a hook run in every lifecycle step.
type StepHook func(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error

// hookSet holds the installed hooks by area name; they run in name order.
type hookSet struct {
	mu     sync.Mutex
	byName map[string]Hooks
}

// SetHooks installs h as area name's hooks (replacing its earlier ones),
// for every later step of a and of the copies WithClock makes.
func (a *App) SetHooks(name string, h Hooks) {
	a.hooks.mu.Lock()
	defer a.hooks.mu.Unlock()
	if a.hooks.byName == nil {
		a.hooks.byName = map[string]Hooks{}
	}
	a.hooks.byName[name] = h
}

// installed returns the hooks in name order.
func (a *App) installed() []Hooks {
	a.hooks.mu.Lock()
	defer a.hooks.mu.Unlock()
	names := make([]string, 0, len(a.hooks.byName))
	for n := range a.hooks.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]Hooks, len(names))
	for i, n := range names {
		out[i] = a.hooks.byName[n]
	}
	return out
}

func (a *App) runStepHooks(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
	for _, h := range a.installed() {
		if h.Step != nil {
			if err := h.Step(ctx, tx, c, ev); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *App) runAssignedHooks(ctx context.Context, tx *store.Tx, p zhitong.Principal, cases []*store.CaseRecord) error {
	for _, h := range a.installed() {
		if h.Assigned != nil {
			if err := h.Assigned(ctx, tx, p, cases); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *App) runLetterHooks(ctx context.Context, tx *store.Tx, p zhitong.Principal, l *store.Letter) error {
	for _, h := range a.installed() {
		if h.Letter != nil {
			if err := h.Letter(ctx, tx, p, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// AuthorizeCase checks that p may take action on c (role and
// jurisdiction), for the packages that act on cases (internal/documents).
func (a *App) AuthorizeCase(ctx context.Context, q store.Q, p zhitong.Principal, action zhitong.Action, c *store.CaseRecord) error {
	return a.authorize(ctx, q, p, action, c)
}

// CheckBulletinRef checks that p may issue bulletin id as a whole (as for
// publishing it: every unit and township in it lies in p's jurisdiction).
func (a *App) CheckBulletinRef(ctx context.Context, q store.Q, p zhitong.Principal, id int64) error {
	b, err := store.GetBulletin(ctx, q, id)
	if err != nil {
		return err
	}
	return a.checkBulletinRef(ctx, q, p, b)
}
