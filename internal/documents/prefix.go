package documents

import (
	"context"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/store"
)

// Prefix is the number prefix of one kind in an organisation.
type Prefix struct {
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	Prefix    string `json:"prefix"`
	Default   bool   `json:"default"` // not set by staff: from the organisation's short name
	Example   string `json:"example"` // 定人大交〔2026〕1号
}

func mayConfigure(p zhitong.Principal) error {
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleSysAdmin {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有人大常委会代表工委或系统管理员可以设置发文字号")
	}
	return nil
}

// Prefixes returns the number prefixes of the organisation governing p's region.
func (s *Service) Prefixes(ctx context.Context, p zhitong.Principal) (zhitong.Organisation, []Prefix, error) {
	if err := mayConfigure(p); err != nil {
		return zhitong.Organisation{}, nil, err
	}
	org, err := organisation(ctx, s.app.DB(), p.RegionCode)
	if err != nil {
		return org, nil, err
	}
	set, err := store.DocumentPrefixes(ctx, s.app.DB(), org.RegionCode)
	if err != nil {
		return org, nil, err
	}
	year := s.today().Year()
	var out []Prefix
	for _, k := range Kinds {
		pr, ok := set[k.Value]
		if !ok {
			pr = store.DefaultDocumentPrefix(org, k.Value)
		}
		out = append(out, Prefix{Kind: k.Value, KindLabel: k.Label, Prefix: pr, Default: !ok, Example: store.DocumentNumber(pr, year, 1)})
	}
	return org, out, nil
}

// SetPrefix sets the number prefix of kind in p's organisation; "" goes
// back to the default. Two kinds may not share a prefix (their numbers
// would collide). Numbering goes on in the same series.
func (s *Service) SetPrefix(ctx context.Context, p zhitong.Principal, kind, prefix string) error {
	if err := mayConfigure(p); err != nil {
		return err
	}
	if !zhitong.Valid(Kinds, kind) {
		return zhitong.Invalid("kind", "公文种类“%s”无效", kind)
	}
	prefix = strings.TrimSpace(prefix)
	if n := utf8.RuneCountInString(prefix); n > 12 {
		return zhitong.Invalid("prefix", "发文字号前缀不能超过 12 个字")
	}
	if strings.ContainsAny(prefix, "〔〕[]()（）0123456789号 ") {
		return zhitong.Invalid("prefix", "发文字号前缀只写机关代字，如“定人大交”，不含年份、括号、序号和空格")
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		org, err := organisation(ctx, tx, p.RegionCode)
		if err != nil {
			return err
		}
		set, err := store.DocumentPrefixes(ctx, tx, org.RegionCode)
		if err != nil {
			return err
		}
		effective := prefix
		if effective == "" {
			effective = store.DefaultDocumentPrefix(org, kind)
		}
		for _, k := range Kinds {
			if k.Value == kind {
				continue
			}
			other, ok := set[k.Value]
			if !ok {
				other = store.DefaultDocumentPrefix(org, k.Value)
			}
			if other == effective {
				return zhitong.Invalid("prefix", "前缀“%s”已用于%s，不同种类的公文须用不同的前缀", effective, k.Label)
			}
		}
		if err := tx.SetDocumentPrefix(ctx, org.RegionCode, kind, prefix, p.UserID, s.app.Now()); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "document.prefix", "organisation:"+org.RegionCode, map[string]any{"kind": kind, "prefix": prefix})
	})
}

// PublicKey returns the public key (PEM) of p's organisation, made now if
// it has none yet, for the committee or the system administrator to hand
// to whoever checks documents offline (zhitong verify --key).
func (s *Service) PublicKey(ctx context.Context, p zhitong.Principal) (string, zhitong.Organisation, error) {
	if err := mayConfigure(p); err != nil {
		return "", zhitong.Organisation{}, err
	}
	org, err := organisation(ctx, s.app.DB(), p.RegionCode)
	if err != nil {
		return "", org, err
	}
	return s.ExportKey(ctx, org.RegionCode)
}

// ExportKey returns the public key of the organisation governing region,
// making the key pair first if the organisation has none (one set up
// before documents existed).
func (s *Service) ExportKey(ctx context.Context, region string) (string, zhitong.Organisation, error) {
	org, err := organisation(ctx, s.app.DB(), region)
	if err != nil {
		return "", org, err
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return EnsureKey(ctx, tx, s.app.Sealer(), org.RegionCode, s.app.Now())
	})
	if err != nil {
		return "", org, err
	}
	pemText, _, err := PublicKeyPEM(ctx, s.app.DB(), org.RegionCode)
	return pemText, org, err
}
