package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"zhitong"
	"zhitong/internal/documents"
)

// verifyCmd checks an issued document: a sealed PDF (its seal, that the key
// is the issuer's — the key file given with --key, else the database's —
// and, with the database, that it is the document registered under its
// code), or a document number or verification code against the database.
func verifyCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("verify", env)
	var d dbFlags
	d.register(fs, env)
	keyFile := fs.String("key", "", "发文机关的公钥文件（PEM，由 zhitong documents key export 或工作台导出）：只用公钥离线核验 PDF，不读数据库")
	var what string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		what, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if what == "" && fs.NArg() > 0 {
		what = fs.Arg(0)
	}
	if what == "" {
		return fmt.Errorf("用法：zhitong verify 文件.pdf|文号|验证码 [--key 公钥.pem] [--db …]")
	}
	file, readErr := os.ReadFile(what)
	isFile := readErr == nil
	if isFile {
		t, err := documents.OpenPDF(file)
		if err != nil {
			return fail(env, what, err)
		}
		if *keyFile != "" {
			pemText, err := os.ReadFile(*keyFile)
			if err != nil {
				return fmt.Errorf("读取公钥文件：%w", err)
			}
			pub, err := documents.ParsePublicPEM(string(pemText))
			if err != nil {
				return err
			}
			if err := documents.CheckKey(t, pub); err != nil {
				return fail(env, what, err)
			}
			fmt.Fprintf(env.Stdout, "真实：%s 由 %s 签发，电子签章有效（公钥与 %s 相符），文件签发后未被改动。\n验证码 %s　SM3 %s\n",
				t.Number, t.Name, *keyFile, t.Code, t.SM3)
			return nil
		}
	} else if bytes.HasSuffix(bytes.ToLower([]byte(what)), []byte(".pdf")) {
		return fmt.Errorf("无法读取文件 %s：%w", what, readErr)
	}
	// A check creates nothing: no database, no key (see noDatabase).
	d.noCreate = true
	if missing := noDatabase(d.db); missing != "" {
		if !isFile {
			return fmt.Errorf("未找到数据库 %s：按文号或验证码核验需要本系统的数据库（--db 或 ZHITONG_DB），未创建任何文件", missing)
		}
		t, _ := documents.OpenPDF(file) // checked above
		fmt.Fprintf(env.Stdout, "电子签章完整：%s（%s），签名与文件自带的公钥相符，文件签发后未被改动。\n验证码 %s　SM3 %s\n", t.Number, t.Name, t.Code, t.SM3)
		return fmt.Errorf("未能确认签名密钥属于发文机关：未找到数据库 %s；请用 --key 给出发文机关的公钥（zhitong documents key export 或工作台导出），或用 --db 指定数据库。未创建任何文件", missing)
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	svc := documents.New(a)
	var verdicts []*documents.Verdict
	switch {
	case isFile:
		v, err := svc.VerifyFile(ctx, file)
		if err != nil {
			return fail(env, what, err)
		}
		verdicts = append(verdicts, v)
	case strings.Contains(what, "〔") || strings.HasSuffix(what, "号"):
		if verdicts, err = svc.VerifyNumber(ctx, what); err != nil {
			return fail(env, what, err)
		}
	default:
		v, err := svc.Verify(ctx, what)
		if err != nil {
			return fail(env, what, err)
		}
		verdicts = append(verdicts, v)
	}
	bad := false
	for _, v := range verdicts {
		switch {
		case !v.Genuine:
			bad = true
			fmt.Fprintf(env.Stdout, "不能确认真实：%s（%s）：%s。\n", v.Number, v.Issuer, v.Problem)
		case v.Replaced:
			fmt.Fprintf(env.Stdout, "真实，但已被更正：%s 由 %s 于 %s 签发，已被更正版本 %s 取代。\n", v.Number, v.Issuer, v.Date, v.ReplacedBy)
		default:
			fmt.Fprintf(env.Stdout, "真实：%s 由 %s 于 %s 签发，电子签章有效，签发后未被改动。\n", v.Number, v.Issuer, v.Date)
		}
		fmt.Fprintf(env.Stdout, "　%s《%s》　验证码 %s　内容 SM3 %s\n", v.Kind, v.Title, v.Code, v.SM3)
	}
	if bad {
		return errors.New("核验未通过")
	}
	return nil
}

func fail(env Env, what string, err error) error {
	msg := err.Error()
	if zhitong.ErrorCode(err) != zhitong.EINTERNAL {
		msg = zhitong.ErrorMessage(err)
	}
	return fmt.Errorf("核验未通过：%s：%s", what, msg)
}

// documentsCmd: `zhitong documents key export [--region CODE] [--out FILE]`
// writes an organisation's public signing key (PEM), making the key pair
// first for an organisation set up before documents existed.
func documentsCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("documents", env)
	var d dbFlags
	d.register(fs, env)
	region := fs.String("region", "", "机关所在行政区划代码（只有一个机关时可不给）")
	out := fs.String("out", "", "写入的文件；不给时输出到标准输出")
	if len(args) < 2 || args[0] != "key" || args[1] != "export" {
		return fmt.Errorf("用法：zhitong documents key export [--region CODE] [--out FILE]")
	}
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	code := *region
	if code == "" {
		org, ok, err := a.MainOrganisation(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("有多个机关或尚未初始设置：请用 --region 指定机关的行政区划代码")
		}
		code = org.RegionCode
	}
	pemText, org, err := documents.New(a).ExportKey(ctx, code)
	if err != nil {
		return err
	}
	return exportPEM(env, *out, pemText, "已导出"+org.Name+"的公文签章公钥")
}

// exportPEM writes a public key (PEM) to standard output, or to the file
// out and then says done with its name: the key exports of documents and
// exchange.
func exportPEM(env Env, out, pemText, done string) error {
	if out == "" {
		fmt.Fprint(env.Stdout, pemText)
		return nil
	}
	if err := os.WriteFile(out, []byte(pemText), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s：%s\n", done, out)
	return nil
}

// noDatabase is the SQLite file db names when it does not exist ("" for
// one that does, or a PostgreSQL URL): opening it would create it.
func noDatabase(db string) string {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return ""
	}
	if _, err := os.Stat(db); err != nil {
		return db
	}
	return ""
}
