package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"zhitong"
)

// handler is an HTTP handler that returns its error instead of writing it,
// so that no handler can write an error and forget to return.
type handler func(w http.ResponseWriter, r *http.Request) error

// api adapts a handler for the JSON API: errors become {"error":{…}}.
func (s *Server) api(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// statusOf maps an error code to its HTTP status, in one place.
func statusOf(code string) int {
	switch code {
	case zhitong.EINVALID:
		return http.StatusBadRequest
	case zhitong.ENOTFOUND:
		return http.StatusNotFound
	case zhitong.ECONFLICT:
		return http.StatusConflict
	case zhitong.EFORBIDDEN, zhitong.EMUSTCHANGE, zhitong.EENROL:
		return http.StatusForbidden
	case zhitong.EUNAUTHORIZED, zhitong.ETWOFACTOR:
		return http.StatusUnauthorized
	case zhitong.ETOOMANY:
		return http.StatusTooManyRequests
	case zhitong.EBUSY:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := zhitong.ErrorCode(err)
	if code == zhitong.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, statusOf(code), errorBody(code, zhitong.ErrorMessage(err), zhitong.ErrorField(err)))
}

type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func errorBody(code, msg, field string) errorJSON {
	var e errorJSON
	e.Error.Code, e.Error.Message, e.Error.Field = code, msg, field
	return e
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxBody bounds every request body the JSON API reads.
const maxBody = 1 << 20

// decode reads a strict JSON body into v: one object, no unknown fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return zhitong.Errorf(zhitong.EINVALID, "请求体须为 JSON（Content-Type: application/json）")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return zhitong.Errorf(zhitong.EINVALID, "请求体超过 1 MB")
		case errors.Is(err, io.EOF):
			return zhitong.Errorf(zhitong.EINVALID, "请求体为空")
		case errors.As(err, &typeErr):
			return zhitong.Invalid(typeErr.Field, "字段“%s”类型不正确", typeErr.Field)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return zhitong.Invalid(field, "未知字段“%s”", field)
		}
		return &zhitong.Error{Code: zhitong.EINVALID, Message: "JSON 格式不正确", Err: err}
	}
	if dec.More() {
		return zhitong.Errorf(zhitong.EINVALID, "请求体只能包含一个 JSON 对象")
	}
	if field := nulField(reflect.ValueOf(v), ""); field != "" {
		return zhitong.Invalid(field, "字段“%s”含有不允许的空字符", field)
	}
	return nil
}

// nulField finds a string holding a NUL byte anywhere in v, which no text
// column (PostgreSQL's least of all) accepts, and returns its JSON name.
func nulField(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return nulField(v.Elem(), name)
		}
	case reflect.String:
		if strings.IndexByte(v.String(), 0) >= 0 {
			return name
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			n := strings.Split(f.Tag.Get("json"), ",")[0]
			if n == "" {
				n = f.Name
			}
			if got := nulField(v.Field(i), n); got != "" {
				return got
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if got := nulField(v.Index(i), name); got != "" {
				return got
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if got := nulField(iter.Value(), iter.Key().String()); got != "" {
				return got
			}
		}
	}
	return ""
}
