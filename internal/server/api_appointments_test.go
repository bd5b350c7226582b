package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

const apptDay = testkit.BookingDay

func (e *env) openAppointments(capacity int) { testkit.OpenBooking(e.t, e.app, e.f, capacity) }

func (e *env) bookingBody(phone string) map[string]any {
	return map[string]any{"station_id": e.f.Station, "deputy_id": e.f.Deputy, "day": apptDay, "period": "am",
		"topic": "想反映村道硬化的事", "phone": phone, "consent": true}
}

func TestAPIConcurrentBookingsNeverExceedCapacity(t *testing.T) {
	e := newEnv(t)
	e.openAppointments(3)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	codes := make([]string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(e.bookingBody(fmt.Sprintf("1397970%04d", i)))
			resp, err := http.Post(e.srv.URL+"/api/v1/appointments", "application/json", bytes.NewReader(b))
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var out apiError
			json.NewDecoder(resp.Body).Decode(&out)
			statuses[i], codes[i] = resp.StatusCode, out.Error.Code
		}()
	}
	wg.Wait()
	created, full := 0, 0
	for i, s := range statuses {
		switch {
		case s == http.StatusCreated:
			created++
		case s == http.StatusConflict && codes[i] == zhitong.ECONFLICT:
			full++
		default:
			t.Errorf("request %d: %d %s", i, s, codes[i])
		}
	}
	if created != 3 || full != 17 {
		t.Fatalf("%d created, %d refused as full; want 3 and 17", created, full)
	}
	var slots struct{ Items []app.Slot }
	if code := e.anonymous().do("GET", fmt.Sprintf("/api/v1/stations/%d/appointment-slots?from=%s&to=%s", e.f.Station, apptDay, apptDay), nil, &slots); code != 200 {
		t.Fatalf("slots: %d", code)
	}
	if len(slots.Items) != 2 || slots.Items[0].Remaining != 0 || slots.Items[1].Remaining != 3 {
		t.Errorf("slots = %+v, want the morning full and the afternoon with 3 places", slots.Items)
	}
}

func TestAPIAppointmentLifecycle(t *testing.T) {
	e := newEnv(t)
	e.openAppointments(2)
	citizen := e.anonymous()

	var bad apiError
	body := e.bookingBody("12345")
	if code := citizen.do("POST", "/api/v1/appointments", body, &bad); code != 400 || bad.Error.Code != zhitong.EINVALID || bad.Error.Field != "phone" {
		t.Errorf("bad phone: %d %+v", code, bad)
	}
	body = e.bookingBody("13979701234")
	body["topic"] = ""
	if code := citizen.do("POST", "/api/v1/appointments", body, &bad); code != 400 || bad.Error.Field != "topic" || !strings.Contains(bad.Error.Message, "想谈的事项") {
		t.Errorf("no topic: %d %+v", code, bad)
	}
	body = e.bookingBody("13979701234")
	body["secret"] = 1
	if code := citizen.do("POST", "/api/v1/appointments", body, &bad); code != 400 || bad.Error.Field != "secret" {
		t.Errorf("unknown field: %d %+v", code, bad)
	}

	var v app.AppointmentView
	if code := citizen.do("POST", "/api/v1/appointments", e.bookingBody("13979701234"), &v); code != 201 || v.Code == "" {
		t.Fatalf("book: %d %+v", code, v)
	}
	var got app.AppointmentView
	if code := citizen.do("GET", "/api/v1/appointments/"+v.Code, nil, &got); code != 200 || got.Phone != "139********" || got.DeputyName != "刘代表" {
		t.Errorf("look-up: %d %+v", code, got)
	}
	if code := citizen.do("POST", "/api/v1/appointments/"+v.Code+"/cancel", map[string]string{"phone_last4": "0000"}, &bad); code != 400 || bad.Error.Field != "phone_last4" {
		t.Errorf("wrong digits: %d %+v", code, bad)
	}

	// Lists: the deputy booked, the station's officer; not a unit, not another county.
	deputy := e.login(e.f.In[zhitong.RoleDeputy], "appt-deputy")
	outsider := e.login(e.f.Out[zhitong.RoleOfficer], "appt-out")
	unit := e.login(e.f.In[zhitong.RoleUnit], "appt-unit")
	officer := e.login(e.f.In[zhitong.RoleOfficer], "appt-officer")
	var list struct{ Items []app.AppointmentView }
	if code := deputy.do("GET", "/api/v1/appointments", nil, &list); code != 200 || len(list.Items) != 1 || list.Items[0].Phone != "139****1234" {
		t.Errorf("deputy list: %d %+v", code, list)
	}
	if code := outsider.do("GET", "/api/v1/appointments", nil, &list); code != 200 || len(list.Items) != 0 {
		t.Errorf("outsider list: %d %+v", code, list)
	}
	if code := unit.do("GET", "/api/v1/appointments", nil, &bad); code != 403 {
		t.Errorf("unit list: %d", code)
	}
	if code := citizen.do("GET", "/api/v1/appointments", nil, &bad); code != 401 {
		t.Errorf("citizen list: %d", code)
	}
	if code := deputy.do("POST", fmt.Sprintf("/api/v1/appointments/%d/attended", v.ID), nil, &bad); code != 409 {
		t.Errorf("attended before the day: %d %+v", code, bad)
	}

	// Settings: public to read, staff in jurisdiction to change.
	var set zhitong.AppointmentSettings
	path := fmt.Sprintf("/api/v1/stations/%d/appointment-settings", e.f.Station)
	if code := citizen.do("GET", path, nil, &set); code != 200 || set.Capacity != 2 {
		t.Errorf("settings: %d %+v", code, set)
	}
	set.Capacity = 6
	if code := outsider.do("PUT", path, set, &bad); code != 403 {
		t.Errorf("outsider settings: %d", code)
	}
	if code := officer.do("PUT", path, set, &set); code != 200 || set.Capacity != 6 {
		t.Errorf("officer settings: %d %+v", code, set)
	}

	// Staff cancel with a reason; the citizen then cannot cancel again.
	if code := officer.do("POST", "/api/v1/appointments/"+v.Code+"/cancel", map[string]string{}, &bad); code != 400 || bad.Error.Field != "reason" {
		t.Errorf("staff cancel without reason: %d %+v", code, bad)
	}
	if code := officer.do("POST", "/api/v1/appointments/"+v.Code+"/cancel", map[string]string{"reason": "代表临时外出"}, &got); code != 200 || got.Status != zhitong.AppointmentCancelled {
		t.Errorf("staff cancel: %d %+v", code, got)
	}
	if code := citizen.do("POST", "/api/v1/appointments/"+v.Code+"/cancel", map[string]string{"phone_last4": "1234"}, &bad); code != 409 {
		t.Errorf("cancel twice: %d %+v", code, bad)
	}
}

// The appointment answers validate against the schemas appointments.json gives.
func TestAPIAppointmentsMatchOpenAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	e.openAppointments(1)
	check := func(c *client, method, tmpl, path string, body any, want int) map[string]any {
		t.Helper()
		return oaCheck(t, d, c, method, tmpl, path, body, want)
	}
	citizen, officer := e.anonymous(), e.login(e.f.In[zhitong.RoleOfficer], "oa-appt-officer")
	st := strconv.FormatInt(e.f.Station, 10)
	check(citizen, "GET", "/api/v1/stations/{id}/appointment-slots", "/api/v1/stations/"+st+"/appointment-slots", nil, 200)
	check(citizen, "GET", "/api/v1/stations/{id}/appointment-slots", "/api/v1/stations/"+st+"/appointment-slots?from=x", nil, 400)
	set := check(citizen, "GET", "/api/v1/stations/{id}/appointment-settings", "/api/v1/stations/"+st+"/appointment-settings", nil, 200)
	check(officer, "PUT", "/api/v1/stations/{id}/appointment-settings", "/api/v1/stations/"+st+"/appointment-settings", set, 200)
	v := check(citizen, "POST", "/api/v1/appointments", "/api/v1/appointments", e.bookingBody("13979701234"), 201)
	check(citizen, "POST", "/api/v1/appointments", "/api/v1/appointments", e.bookingBody("13979705678"), 409)
	code, _ := v["code"].(string)
	check(citizen, "GET", "/api/v1/appointments/{code}", "/api/v1/appointments/"+code, nil, 200)
	check(citizen, "GET", "/api/v1/appointments/{code}", "/api/v1/appointments/ZZZZ-ZZZZ", nil, 404)
	check(officer, "GET", "/api/v1/appointments", "/api/v1/appointments", nil, 200)
	check(officer, "POST", "/api/v1/appointments/{id}/attended", fmt.Sprintf("/api/v1/appointments/%v/attended", v["id"]), nil, 409)
	check(citizen, "POST", "/api/v1/appointments/{code}/cancel", "/api/v1/appointments/"+code+"/cancel", map[string]string{"phone_last4": "1234"}, 200)
}

func TestAppointmentSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"AppointmentView": reflect.TypeFor[app.AppointmentView](), "BookingInput": reflect.TypeFor[app.BookingInput](),
		"Slot": reflect.TypeFor[app.Slot](), "AppointmentSettings": reflect.TypeFor[zhitong.AppointmentSettings](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	src := sourceStructNames(t, "cancelRequest")
	oaSameSet(t, "schema AppointmentCancelInput vs cancelRequest", d.properties(d.schema("AppointmentCancelInput")), src["cancelRequest"])
	oaSameSet(t, "enum AppointmentStatus", oaStrings(d.schema("AppointmentStatus")["enum"]), oaValues(zhitong.AppointmentStatuses))
	oaSameSet(t, "enum Period", oaStrings(d.schema("Period")["enum"]), oaValues(zhitong.Periods))
}
