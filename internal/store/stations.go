package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhitong"
)

// CreateStation stores a new station; a name already taken is ECONFLICT.
func (t *Tx) CreateStation(ctx context.Context, s *zhitong.Station) error {
	err := t.QueryRow(ctx, `INSERT INTO stations (name, region_code, kind, address, hours, theme, lat, lng, phone, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Name, s.RegionCode, s.Kind, s.Address, s.Hours, s.Theme, s.Lat, s.Lng, s.Phone, s.Demo).Scan(&s.ID)
	if IsUniqueViolation(err) {
		return zhitong.Invalid("name", "联络站名称“%s”已被使用", s.Name)
	}
	return err
}

// UpdateStation saves a station's basic fields; a name already taken is EINVALID on name.
func (t *Tx) UpdateStation(ctx context.Context, s *zhitong.Station) error {
	_, err := t.Exec(ctx, `UPDATE stations SET name = ?, region_code = ?, kind = ?, address = ?, hours = ?, theme = ?, lat = ?, lng = ?, phone = ? WHERE id = ?`,
		s.Name, s.RegionCode, s.Kind, s.Address, s.Hours, s.Theme, s.Lat, s.Lng, s.Phone, s.ID)
	if IsUniqueViolation(err) {
		return zhitong.Invalid("name", "联络站名称“%s”已被使用", s.Name)
	}
	return err
}

// StationCovered reports whether a station lies in the region subtree
// prefix: its primary region does, or for a cross-border station any of its regions.
func StationCovered(ctx context.Context, q Q, stationID int64, prefix string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM stations s WHERE s.id = ? AND (s.region_code LIKE ?
 OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = s.id AND sr.region_code LIKE ?))`, stationID, prefix+"%", prefix+"%").Scan(&n)
	return n > 0, err
}

// ListStationRegions returns the extra regions of a station (station_regions), by code.
func ListStationRegions(ctx context.Context, q Q, stationID int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT region_code FROM station_regions WHERE station_id = ? ORDER BY region_code`, stationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}

// SetStationRegions replaces the region list of a station.
func (t *Tx) SetStationRegions(ctx context.Context, stationID int64, codes []string) error {
	if _, err := t.Exec(ctx, `DELETE FROM station_regions WHERE station_id = ?`, stationID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := t.Exec(ctx, `INSERT INTO station_regions (station_id, region_code) VALUES (?, ?) ON CONFLICT DO NOTHING`, stationID, c); err != nil {
			return fmt.Errorf("station region %s: %w", c, err)
		}
	}
	return nil
}

// StationLinks is every station's extra regions and deputies, for pages that list all stations.
type StationLinks struct {
	Regions  map[int64][]string
	Deputies map[int64][]int64
}

// ListStationLinks loads the region and deputy links of all stations.
func ListStationLinks(ctx context.Context, q Q) (StationLinks, error) {
	l := StationLinks{Regions: map[int64][]string{}, Deputies: map[int64][]int64{}}
	rows, err := q.Query(ctx, `SELECT station_id, region_code FROM station_regions ORDER BY station_id, region_code`)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return l, err
		}
		l.Regions[id] = append(l.Regions[id], code)
	}
	if err := rows.Err(); err != nil {
		return l, err
	}
	rows2, err := q.Query(ctx, `SELECT station_id, deputy_id FROM station_deputies ORDER BY station_id, deputy_id`)
	if err != nil {
		return l, err
	}
	defer rows2.Close()
	for rows2.Next() {
		var s, d int64
		if err := rows2.Scan(&s, &d); err != nil {
			return l, err
		}
		l.Deputies[s] = append(l.Deputies[s], d)
	}
	return l, rows2.Err()
}

// AddStationDeputy posts a deputy to a station; posting twice is a no-op.
func (t *Tx) AddStationDeputy(ctx context.Context, stationID, deputyID int64) error {
	_, err := t.Exec(ctx, `INSERT INTO station_deputies (station_id, deputy_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, stationID, deputyID)
	return err
}

// SetStationDeputies replaces the deputies posted to a station. A deputy
// whose primary station it was, and who is no longer posted there, keeps
// another of their stations as primary, or none.
func (t *Tx) SetStationDeputies(ctx context.Context, stationID int64, deputyIDs []int64) error {
	if _, err := t.Exec(ctx, `DELETE FROM station_deputies WHERE station_id = ?`, stationID); err != nil {
		return err
	}
	for _, id := range deputyIDs {
		if err := t.AddStationDeputy(ctx, stationID, id); err != nil {
			return err
		}
		if _, err := t.Exec(ctx, `UPDATE deputies SET station_id = ? WHERE id = ? AND station_id IS NULL`, stationID, id); err != nil {
			return err
		}
	}
	_, err := t.Exec(ctx, `UPDATE deputies SET station_id = (SELECT MIN(sd.station_id) FROM station_deputies sd WHERE sd.deputy_id = deputies.id)
 WHERE station_id = ? AND id NOT IN (SELECT deputy_id FROM station_deputies WHERE station_id = ?)`, stationID, stationID)
	return err
}

// DeputyStationIDs returns the stations a deputy is posted to.
func DeputyStationIDs(ctx context.Context, q Q, deputyID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT station_id FROM station_deputies WHERE deputy_id = ? ORDER BY station_id`, deputyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}

// SetDeputyStations replaces the stations a deputy is posted to and their primary station.
func (t *Tx) SetDeputyStations(ctx context.Context, deputyID, primary int64, stationIDs []int64) error {
	if _, err := t.Exec(ctx, `DELETE FROM station_deputies WHERE deputy_id = ?`, deputyID); err != nil {
		return err
	}
	for _, id := range stationIDs {
		if err := t.AddStationDeputy(ctx, id, deputyID); err != nil {
			return err
		}
	}
	_, err := t.Exec(ctx, `UPDATE deputies SET station_id = ? WHERE id = ?`, nullID(primary), deputyID)
	return err
}

// UpdateDeputy saves a deputy's profile fields (not their stations).
func (t *Tx) UpdateDeputy(ctx context.Context, d *zhitong.Deputy) error {
	res, err := t.Exec(ctx, `UPDATE deputies SET name = ?, levels = ?, region_code = ?, constituency = ?, pledge = ? WHERE id = ?`,
		d.Name, strings.Join(d.Levels, ","), d.RegionCode, d.Constituency, d.Pledge, d.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	return nil
}

// StationBulletin is a station's own bulletin-board text.
type StationBulletin struct {
	Rules  string
	Notice string
}

// GetStationBulletin loads a station's bulletin-board text.
func GetStationBulletin(ctx context.Context, q Q, stationID int64) (StationBulletin, error) {
	var b StationBulletin
	err := q.QueryRow(ctx, `SELECT rules, notice FROM stations WHERE id = ?`, stationID).Scan(&b.Rules, &b.Notice)
	if errors.Is(err, sql.ErrNoRows) {
		return b, zhitong.Errorf(zhitong.ENOTFOUND, "联络站不存在")
	}
	return b, err
}

// SetStationBulletin saves a station's bulletin-board text.
func (t *Tx) SetStationBulletin(ctx context.Context, stationID int64, b StationBulletin) error {
	_, err := t.Exec(ctx, `UPDATE stations SET rules = ?, notice = ? WHERE id = ?`, b.Rules, b.Notice, stationID)
	return err
}

// DeputyPhoto is a deputy's public photo.
type DeputyPhoto struct {
	DeputyID    int64
	ContentType string
	Data        []byte
	ETag        string
	UpdatedAt   time.Time
}

// PutDeputyPhoto stores or replaces a deputy's photo.
func (t *Tx) PutDeputyPhoto(ctx context.Context, p *DeputyPhoto) error {
	_, err := t.Exec(ctx, `INSERT INTO deputy_photos (deputy_id, content_type, data, etag, updated_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (deputy_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, etag = excluded.etag, updated_at = excluded.updated_at`,
		p.DeputyID, p.ContentType, p.Data, p.ETag, FormatTime(p.UpdatedAt))
	return err
}

// DeleteDeputyPhoto removes a deputy's photo and reports whether there was one.
func (t *Tx) DeleteDeputyPhoto(ctx context.Context, deputyID int64) (bool, error) {
	res, err := t.Exec(ctx, `DELETE FROM deputy_photos WHERE deputy_id = ?`, deputyID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// GetDeputyPhoto loads a deputy's photo.
func GetDeputyPhoto(ctx context.Context, q Q, deputyID int64) (*DeputyPhoto, error) {
	p := &DeputyPhoto{DeputyID: deputyID}
	var at string
	err := q.QueryRow(ctx, `SELECT content_type, data, etag, updated_at FROM deputy_photos WHERE deputy_id = ?`, deputyID).Scan(&p.ContentType, &p.Data, &p.ETag, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "该代表暂无照片")
	} else if err != nil {
		return nil, err
	}
	p.UpdatedAt = ParseTime(at)
	return p, nil
}

// ListDeputyPhotoTags returns the ETag of every deputy photo, by deputy.
func ListDeputyPhotoTags(ctx context.Context, q Q) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT deputy_id, etag FROM deputy_photos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return nil, err
		}
		out[id] = tag
	}
	return out, rows.Err()
}

// ListStationStaff returns the accounts posted to a station (heads and officers).
func ListStationStaff(ctx context.Context, q Q, stationID int64) ([]*zhitong.User, error) {
	return queryUsers(ctx, q, `SELECT `+userColumns+` FROM users WHERE station_id = ? ORDER BY role DESC, id`, stationID)
}

// SetUserStation posts an account to a station, or to none (0).
func (t *Tx) SetUserStation(ctx context.Context, userID, stationID int64) error {
	_, err := t.Exec(ctx, `UPDATE users SET station_id = ? WHERE id = ?`, nullID(stationID), userID)
	return err
}

// SetUserDeputy links an account to a deputy's profile, or unlinks it (0).
func (t *Tx) SetUserDeputy(ctx context.Context, userID, deputyID int64) error {
	_, err := t.Exec(ctx, `UPDATE users SET deputy_id = ? WHERE id = ?`, nullID(deputyID), userID)
	return err
}

// GetUserByDeputy loads the account linked to a deputy.
func GetUserByDeputy(ctx context.Context, q Q, deputyID int64) (*zhitong.User, error) {
	return scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE deputy_id = ? ORDER BY id LIMIT 1`, deputyID))
}

func scanString(row interface{ Scan(...any) error }) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

func scanInt64(row interface{ Scan(...any) error }) (int64, error) {
	var n int64
	err := row.Scan(&n)
	return n, err
}

// SetStationRetired retires a station at at, or brings it back when at is
// zero. It reports whether the row changed (false: it already was so).
func (t *Tx) SetStationRetired(ctx context.Context, id int64, at time.Time) (bool, error) {
	cond := `retired_at = ''`
	if at.IsZero() {
		cond = `retired_at <> ''`
	}
	res, err := t.Exec(ctx, `UPDATE stations SET retired_at = ? WHERE id = ? AND `+cond, FormatTime(at), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// GetStationByName loads a station by its (unique) name.
func GetStationByName(ctx context.Context, q Q, name string) (zhitong.Station, error) {
	return scanStation(q.QueryRow(ctx, `SELECT `+stationColumns+` FROM stations WHERE name = ?`, name))
}

// DeputyPhone is a deputy's sealed phone and its blind index; both empty
// when none is on file.
type DeputyPhone struct {
	Enc   string
	Index string
}

// GetDeputyPhone loads a deputy's sealed phone.
func GetDeputyPhone(ctx context.Context, q Q, deputyID int64) (DeputyPhone, error) {
	var p DeputyPhone
	err := q.QueryRow(ctx, `SELECT phone_enc, phone_index FROM deputies WHERE id = ?`, deputyID).Scan(&p.Enc, &p.Index)
	if errors.Is(err, sql.ErrNoRows) {
		return p, zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	return p, err
}

// SetDeputyPhone stores a deputy's sealed phone (both empty: none).
func (t *Tx) SetDeputyPhone(ctx context.Context, deputyID int64, p DeputyPhone) error {
	_, err := t.Exec(ctx, `UPDATE deputies SET phone_enc = ?, phone_index = ? WHERE id = ?`, p.Enc, p.Index, deputyID)
	return err
}

// DeputiesByPhone lists the deputies with this phone's blind index.
func DeputiesByPhone(ctx context.Context, q Q, index ...string) ([]zhitong.Deputy, error) {
	rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies WHERE phone_index IN (`+marks(len(index))+`) AND phone_index <> '' ORDER BY id`, anys(index)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeputy)
}

// DeputiesByName lists the deputies with this name, for the natural key of
// an import (name and constituency).
func DeputiesByName(ctx context.Context, q Q, name string) ([]zhitong.Deputy, error) {
	rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies WHERE name = ? ORDER BY id`, name)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeputy)
}

// ListCoveredDeputies returns, by id, the deputies in a jurisdiction: those
// posted to station stationID when it is not 0; else those elected in the
// region subtree prefix or posted to a station of it (by its primary
// region or one of its extra regions). One query for what checking every
// deputy one by one took two or three each.
func ListCoveredDeputies(ctx context.Context, q Q, prefix string, stationID int64) ([]zhitong.Deputy, error) {
	if stationID != 0 {
		rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies
 WHERE id IN (SELECT deputy_id FROM station_deputies WHERE station_id = ?) ORDER BY id`, stationID)
		if err != nil {
			return nil, err
		}
		return collect(rows, scanDeputy)
	}
	like := prefix + "%"
	rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies d WHERE d.region_code LIKE ?
 OR EXISTS (SELECT 1 FROM station_deputies sd JOIN stations s ON s.id = sd.station_id WHERE sd.deputy_id = d.id
  AND (s.region_code LIKE ? OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = s.id AND sr.region_code LIKE ?)))
 ORDER BY id`, like, like, like)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeputy)
}

// DeputyLinks is what a list of deputies' profiles needs besides the
// deputies themselves, read in one query each for the whole list.
type DeputyLinks struct {
	Stations map[int64][]int64       // the stations each is posted to, by id
	Phones   map[int64]string        // each one's sealed phone ("" or missing: none)
	Users    map[int64]*zhitong.User // each one's account (the first by id)
}

// ListDeputyLinks reads the stations of deputies ids, and with accounts
// also their sealed phones and accounts.
func ListDeputyLinks(ctx context.Context, q Q, ids []int64, accounts bool) (DeputyLinks, error) {
	l := DeputyLinks{Stations: map[int64][]int64{}, Phones: map[int64]string{}, Users: map[int64]*zhitong.User{}}
	if len(ids) == 0 {
		return l, nil
	}
	// pair is a deputy's id and one station or sealed phone of theirs.
	type pair struct {
		id, station int64
		phone       string
	}
	cond, arg := inList(q, "deputy_id", ids)
	rows, err := q.Query(ctx, `SELECT deputy_id, station_id FROM station_deputies WHERE `+cond+` ORDER BY deputy_id, station_id`, arg)
	if err != nil {
		return l, err
	}
	links, err := collect(rows, func(r interface{ Scan(...any) error }) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.station)
	})
	if err != nil {
		return l, err
	}
	for _, p := range links {
		l.Stations[p.id] = append(l.Stations[p.id], p.station)
	}
	if !accounts {
		return l, nil
	}
	idCond, _ := idList(q, ids)
	if rows, err = q.Query(ctx, `SELECT id, phone_enc FROM deputies WHERE `+idCond+` AND phone_enc <> ''`, arg); err != nil {
		return l, err
	}
	phones, err := collect(rows, func(r interface{ Scan(...any) error }) (pair, error) {
		var p pair
		return p, r.Scan(&p.id, &p.phone)
	})
	if err != nil {
		return l, err
	}
	for _, p := range phones {
		l.Phones[p.id] = p.phone
	}
	users, err := queryUsers(ctx, q, `SELECT `+userColumns+` FROM users WHERE `+cond+` ORDER BY id`, arg)
	for _, u := range users {
		if _, ok := l.Users[u.DeputyID]; !ok {
			l.Users[u.DeputyID] = u
		}
	}
	return l, err
}
