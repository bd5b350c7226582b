package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"zhitong"
	"zhitong/internal/app"
)

// stationRoutes serves the station and deputy profile endpoints beyond the
// reference lists (docs/stations.md).
func (s *Server) stationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/stations/{id}", s.api(s.getStation))
	mux.HandleFunc("POST /api/v1/stations", s.api(staffJSON(s, http.StatusCreated, s.createStation)))
	mux.HandleFunc("PATCH /api/v1/stations/{id}", s.api(staffJSON(s, http.StatusOK, s.patchStation)))
	mux.HandleFunc("PUT /api/v1/stations/{id}/deputies", s.api(staffJSON(s, http.StatusOK, s.putStationDeputies)))
	mux.HandleFunc("PUT /api/v1/stations/{id}/staff", s.api(staffJSON(s, http.StatusOK, s.putStationStaff)))
	mux.HandleFunc("POST /api/v1/stations/{id}/retire", s.api(staffJSON(s, http.StatusOK, s.retireStation)))
	mux.HandleFunc("POST /api/v1/stations/{id}/restore", s.api(staffJSON(s, http.StatusOK, s.restoreStation)))
	mux.HandleFunc("POST /api/v1/deputies/{id}/phone/reveal", s.api(staffJSON(s, http.StatusOK, s.revealDeputyPhone)))
	mux.HandleFunc("GET /api/v1/deputies/{id}", s.api(s.getDeputy))
	mux.HandleFunc("POST /api/v1/deputies", s.api(staffJSON(s, http.StatusCreated, s.createDeputy)))
	mux.HandleFunc("PATCH /api/v1/deputies/{id}", s.api(staffJSON(s, http.StatusOK, s.patchDeputy)))
	mux.HandleFunc("PUT /api/v1/deputies/{id}/photo", s.api(staffJSON(s, http.StatusOK, s.putDeputyPhoto)))
	mux.HandleFunc("DELETE /api/v1/deputies/{id}/photo", s.api(staffJSON(s, http.StatusOK, s.deleteDeputyPhoto)))
	mux.HandleFunc("PUT /api/v1/deputies/{id}/account", s.api(staffJSON(s, http.StatusOK, s.putDeputyAccount)))
	mux.HandleFunc("DELETE /api/v1/deputies/{id}/account", s.api(staffJSON(s, http.StatusOK, s.deleteDeputyAccount)))
}

// getStation answers a station's public profile; staff who cover it also get its staff.
func (s *Server) getStation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var sp *app.StationProfile
	if p, perr := s.principal(r); perr == nil && p.Staff() {
		if sp, err = s.app.StaffStation(r.Context(), p, id); zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
			sp, err = s.app.PublicStationProfile(r.Context(), id)
		}
	} else {
		sp, err = s.app.PublicStationProfile(r.Context(), id)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sp)
	return nil
}

func (s *Server) createStation(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.StationProfile, error) {
	var in app.StationInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.CreateStation(r.Context(), p, in)
}

func (s *Server) patchStation(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.StationProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.StationPatch
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.UpdateStation(r.Context(), p, id, in)
}

// deputyIDsRequest is the body of PUT /api/v1/stations/{id}/deputies.
type deputyIDsRequest struct {
	DeputyIDs []int64 `json:"deputy_ids"`
}

func (s *Server) putStationDeputies(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.StationProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in deputyIDsRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	prof, sync, err := s.app.SetStationDeputies(r.Context(), p, id, in.DeputyIDs)
	if prof != nil {
		prof.Roster = sync
	}
	return prof, err
}

// staffRequest is the body of PUT /api/v1/stations/{id}/staff.
type staffRequest struct {
	UserIDs []int64 `json:"user_ids"`
}

func (s *Server) putStationStaff(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.StationProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in staffRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.SetStationStaff(r.Context(), p, id, in.UserIDs)
}

// getDeputy answers a deputy's public profile; staff who cover them also get their account.
func (s *Server) getDeputy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var dp *app.DeputyProfile
	if p, perr := s.principal(r); perr == nil && p.Staff() {
		if dp, err = s.app.StaffDeputy(r.Context(), p, id); zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
			dp, err = s.app.PublicDeputy(r.Context(), id)
		}
	} else {
		dp, err = s.app.PublicDeputy(r.Context(), id)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dp)
	return nil
}

func (s *Server) createDeputy(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	var in app.DeputyInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.CreateDeputy(r.Context(), p, in)
}

func (s *Server) patchDeputy(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.DeputyPatch
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.UpdateDeputy(r.Context(), p, id, in)
}

// putDeputyPhoto takes the photo as a raw image body, or as the "photo"
// part of a multipart form.
func (s *Server) putDeputyPhoto(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	data, err := readPhoto(w, r, "photo", app.MaxDeputyPhotoBytes)
	if err != nil {
		return nil, err
	}
	return s.app.SetDeputyPhoto(r.Context(), p, id, data)
}

// photoRequest is the JSON form of a photo upload: the image, base64-encoded.
type photoRequest struct {
	Photo []byte `json:"photo"`
}

// readPhoto reads one uploaded image: the raw body, the named part of a
// multipart form, or a JSON object with the image base64-encoded under the
// field's name. It refuses more than max bytes of image.
func readPhoto(w http.ResponseWriter, r *http.Request, field string, max int) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, int64(max)*4/3+64<<10)
	tooBig := zhitong.Invalid(field, "照片超过 %d KB，请压缩后重新上传", max>>10)
	var src io.Reader = r.Body
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "application/json":
		var in photoRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, tooBig
			}
			return nil, zhitong.Invalid(field, "JSON 格式不正确：photo 应为 base64 编码的图片")
		}
		if len(in.Photo) > max {
			return nil, tooBig
		}
		return in.Photo, nil
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, zhitong.Invalid(field, "表单格式不正确")
		}
		for src == r.Body {
			part, err := mr.NextPart()
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, tooBig
				}
				return nil, zhitong.Invalid(field, "请在表单字段 %s 中上传照片", field)
			}
			if part.FormName() == field {
				src = part
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(src, int64(max)+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooBig
		}
		return nil, zhitong.Invalid(field, "读取照片失败")
	}
	if len(data) > max {
		return nil, tooBig
	}
	return data, nil
}

func (s *Server) deleteDeputyPhoto(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := s.app.DeleteDeputyPhoto(r.Context(), p, id); err != nil {
		return nil, err
	}
	return s.app.StaffDeputy(r.Context(), p, id)
}

func (s *Server) putDeputyAccount(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.AccountInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.LinkDeputyAccount(r.Context(), p, id, in)
}

// retireStation retires a station (docs/stations.md, “Retiring a station”).
func (s *Server) retireStation(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.RetireResult, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.app.RetireStation(r.Context(), p, id)
}

func (s *Server) restoreStation(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.StationProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.app.RestoreStation(r.Context(), p, id)
}

// deputyPhone is the answer to a reveal of a deputy's phone.
type deputyPhone struct {
	DeputyID int64  `json:"deputy_id"`
	Phone    string `json:"phone"`
}

func (s *Server) revealDeputyPhone(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*deputyPhone, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	phone, err := s.app.RevealDeputyPhone(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	return &deputyPhone{DeputyID: id, Phone: phone}, nil
}

func (s *Server) deleteDeputyAccount(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyProfile, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.app.UnlinkDeputyAccount(r.Context(), p, id)
}
