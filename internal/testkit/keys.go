package testkit

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/signin"
	"zhitong/internal/sso"
	"zhitong/internal/store"
)

// NoKeyEnv unsets ZHITONG_KEY and ZHITONG_OLD_KEY for one test (restored
// after it), so key files decide.
func NoKeyEnv(tb testing.TB) {
	tb.Helper()
	t, ok := tb.(interface{ Setenv(k, v string) })
	if !ok {
		tb.Fatal("NoKeyEnv needs a *testing.T")
	}
	for _, v := range []string{pii.KeyEnv, pii.OldKeyEnv} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

// SealEverything stores a value in every sealed column of
// store.SealedColumns through the application (n cases with name, phone,
// ID number and address; a case with a photo; a booking; an SMS opt-out;
// a reply letter; a document key)
// or, for the units' and deputies' SMS phones, the store; a committee
// account is added and enrolled for two-factor sign-in with TOTPSecret (its secret is
// sealed), and the application's start sealed the audit key. It returns the
// cases' phones: phones[1] has opted out, phones[0] booked.
func SealEverything(tb testing.TB, a *app.App, f *Fixture, n int) (phones []string) {
	tb.Helper()
	ctx := context.Background()
	for i := range n {
		phone := fmt.Sprintf("139%08d", 7970000+i)
		phones = append(phones, phone)
		Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "村口的路灯坏了很久了", StationID: f.Station,
			Name: "王小明", Phone: phone, IDCard: "11010519491231002X", Address: "历市镇某村3组"}))(tb)
	}
	var pic bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := png.Encode(&pic, img); err != nil {
		tb.Fatal(err)
	}
	Must(a.SubmitWithPhotos(ctx, app.IntakeInput{Body: "路面塌陷，见照片", StationID: f.Station, Name: "钱七", Phone: phones[min(3, n-1)]},
		[]app.PhotoInput{{Name: "a.png", Data: pic.Bytes()}}, false))(tb)
	OpenBooking(tb, a, f, 5)
	Must(a.Book(ctx, app.BookingInput{StationID: f.Station, DeputyID: f.Deputy, Day: BookingDay, Period: zhitong.PeriodMorning,
		Topic: "想当面反映自来水问题", Name: "李四", Phone: phones[0], Consent: true}))(tb)
	if err := a.OptOutPhone(ctx, f.In[zhitong.RoleOfficer], phones[min(1, n-1)]); err != nil {
		tb.Fatal(err)
	}
	gw := Must(a.AddUser(ctx, app.System, app.UserInput{Username: "gongwei-2fa", Role: zhitong.RoleCommittee, RegionCode: f.County, Password: "Zhitong@2026-key"}))(tb)
	if err := signin.New(a).EnrolSecret(ctx, app.System, gw.ID, TOTPSecret); err != nil {
		tb.Fatal(err)
	}
	// A provider set-up with its secret and a staff link (internal/sso).
	if err := sso.New(a).SetConfig(ctx, app.System, sso.Config{Issuer: "https://idp.example.gov.cn", ClientID: "zhitong", ClientSecret: "idp-secret"}); err != nil {
		tb.Fatal(err)
	}
	if err := sso.New(a).Link(ctx, app.System, gw.ID, "gongwei-sub-0001"); err != nil {
		tb.Fatal(err)
	}
	cz := sso.Citizen{Issuer: "https://idp.example.gov.cn", Subject: "citizen-sub-0001"}
	Must(a.SubmitWithPhotos(ctx, app.IntakeInput{Body: "登录后反映：小区路灯不亮", StationID: f.Station, Anonymous: true,
		Then: func(tx *store.Tx, c *zhitong.Case) error { return sso.New(a).LinkCase(ctx, tx, cz, c) }}, nil, false))(tb)
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		s := a.Sealer()
		if err := tx.SetDeputyPhone(ctx, f.Deputy, store.DeputyPhone{Enc: s.Seal("13907970000", "deputy:phone"), Index: s.BlindIndex("phone", "13907970000")}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE units SET phone_enc = ? WHERE id = ?`, s.Seal("13907971111", "unit:phone"), f.Lead); err != nil {
			return err
		}
		// A unit's reply letter with its file name (internal/attachments).
		var caseID int64
		if err := tx.QueryRow(ctx, `SELECT MIN(id) FROM cases`).Scan(&caseID); err != nil {
			return err
		}
		if err := a.InsertAttachment(ctx, tx, &store.Attachment{CaseID: caseID, Kind: "reply_letter", Name: "答复函.pdf",
			ContentType: "application/pdf", Size: 9, Data: []byte("%PDF-1.4\n"), CreatedAt: a.Now()}); err != nil {
			return err
		}
		// An organisation's SM2 document key (internal/documents).
		if _, err := tx.Exec(ctx, `INSERT INTO document_keys (region_code, public_pem, private_enc, created_at) VALUES (?, 'PEM', ?, ?)`,
			f.County, s.Seal("-----BEGIN PRIVATE KEY-----", store.DocumentKeyAAD), store.FormatTime(a.Now())); err != nil {
			return err
		}
		// An exchange peer's secret and a queued work order (internal/exchange).
		now := store.FormatTime(a.Now())
		var peer int64
		if err := tx.QueryRow(ctx, `INSERT INTO exchange_peers (name, kind, base_url, secret_enc, region_code, sm2_private_enc, created_at, updated_at)
 VALUES ('keys-12345', '12345', 'https://12345.example', ?, ?, ?, ?, ?) RETURNING id`, s.Seal("a-shared-secret-of-at-least-32-characters", "exchange:secret"),
			f.County, s.Seal("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "exchange:sm2"), now, now).Scan(&peer); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO exchange_messages (peer_id, key, order_no, path, body_enc, not_before, created_at)
 VALUES (?, 'ZT1:order', 'ZT1', '/orders', ?, ?, ?)`, peer, s.Seal(`{"order_no":"ZT1","citizen_phone":"13907970000"}`, "exchange:body"), now, now)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return phones
}
