package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
)

// initCmd sets up a deployment: zhitong init --region 360783 …, or, on a
// terminal (or with --interactive) and without --region, by questions in
// Chinese read from standard input.
func initCmd(ctx context.Context, env Env, args []string) error {
	fs := newFlags("init", env)
	var d dbFlags
	d.register(fs, env)
	var in setup.Input
	fs.StringVar(&in.Region, "region", "", "region code of the jurisdiction: county 360783, city 360700, province 360000")
	fs.StringVar(&in.OrgName, "org-name", "", "name of the standing committee (default: region name + 人大常委会)")
	fs.StringVar(&in.Names.CommitteeName, "committee-name", "", "name of its deputies' affairs committee (default: … 代表工作委员会)")
	fs.StringVar(&in.ShortName, "short-name", "", "short name for document numbers (default e.g. 龙南人大)")
	fs.StringVar(&in.SecAdmin, "secadmin", "", "username of the first security administrator (default "+setup.DefaultSecAdmin+"; with --add none unless given)")
	fs.StringVar(&in.SecAdminDisplay, "secadmin-name", "", "display name of the security administrator")
	fs.StringVar(&in.Committee, "committee", "", "username of the first committee account (default "+setup.DefaultCommittee+", with --add "+setup.DefaultCommittee+"CODE)")
	fs.StringVar(&in.CommitteeDisplay, "committee-display-name", "", "display name of the committee account")
	fs.BoolVar(&in.Add, "add", false, "add one more jurisdiction to a database that already holds data")
	ssoF := registerSSOFlags(fs, env)
	interactive := fs.Bool("interactive", false, "ask for missing values on standard input (the default on a terminal)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("多余的参数：%s", strings.Join(fs.Args(), " "))
	}
	ask := *interactive || in.Region == "" && isTerminal(env.Stdin)
	if in.Region == "" && !ask {
		return zhitong.Invalid("region", "请用 --region 指定行政区划代码（如县 360783、市 360700、省 360000），或在终端上交互运行 zhitong init")
	}
	a, closeDB, err := d.open(ctx, env, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	if ask {
		ok, err := askInit(env, &in)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(env.Stdout, "已取消，未做任何修改。")
			return nil
		}
	}
	if err := ssoF.check(ctx, env, a); err != nil {
		return err
	}
	in.Via = "cli"
	res, err := setup.New(a).Run(ctx, app.System, in)
	if err != nil {
		return err
	}
	if err := ssoF.apply(ctx, env, a, nil); err != nil {
		return err
	}
	printResult(env.Stdout, res)
	return nil
}

// prompter asks one question at a time on the command's standard streams.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
}

// ask shows the question with its default and returns the answer or the default.
func (p *prompter) ask(question, def string) (string, error) {
	if def != "" {
		fmt.Fprintf(p.out, "%s [%s]: ", question, def)
	} else {
		fmt.Fprintf(p.out, "%s: ", question)
	}
	line, err := p.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("输入已结束，未做任何修改")
		}
		return "", err
	}
	if v := strings.TrimSpace(line); v != "" {
		return v, nil
	}
	return def, nil
}

// askInit fills in what the flags left empty, in Chinese, and asks to
// confirm. It returns false when the operator declines.
func askInit(env Env, in *setup.Input) (bool, error) {
	tree, err := regions.Load()
	if err != nil {
		return false, err
	}
	p := &prompter{in: bufio.NewReader(env.Stdin), out: env.Stderr}
	fmt.Fprintln(p.out, "民意直通初始设置：为一个县（市、区）、设区的市或省建立部署。直接回车采用方括号中的默认值。")
	var region regions.Region
	for region.Code == "" {
		q, err := p.ask("行政区划代码或名称（如 360783 或 龙南）", in.Region)
		if err != nil {
			return false, err
		}
		matches := setup.Search(tree, q, 20)
		switch len(matches) {
		case 0:
			fmt.Fprintf(p.out, "没有找到“%s”（只能选县级及以上行政区划），请重新输入。\n", q)
			in.Region = ""
		case 1:
			region = matches[0].Region
		default:
			for i, m := range matches {
				fmt.Fprintf(p.out, "  %2d. %s（%s）\n", i+1, m.FullName, regions.Standard(m.Code))
			}
			pick, err := p.ask("请输入序号", "")
			if err != nil {
				return false, err
			}
			if i, err := strconv.Atoi(pick); err == nil && i >= 1 && i <= len(matches) {
				region = matches[i-1].Region
			}
		}
	}
	in.Region = region.Code
	fmt.Fprintf(p.out, "辖区：%s（%s）\n", setup.FullName(tree, region.Code), regions.Standard(region.Code))
	def := setup.DefaultNames(tree, region)
	for _, q := range []struct {
		label string
		v     *string
		def   string
	}{
		{"人大常委会名称", &in.OrgName, def.OrgName},
		{"代表工作委员会名称", &in.Names.CommitteeName, def.CommitteeName},
		{"简称（用于文号）", &in.ShortName, def.ShortName},
	} {
		if *q.v != "" {
			continue
		}
		if *q.v, err = p.ask(q.label, q.def); err != nil {
			return false, err
		}
	}
	if in.SecAdmin == "" && !in.Add {
		if in.SecAdmin, err = p.ask("安全管理员用户名", setup.DefaultSecAdmin); err != nil {
			return false, err
		}
	}
	if in.Committee == "" {
		def := setup.DefaultCommittee
		if in.Add {
			def += region.Code
		}
		if in.Committee, err = p.ask("代表工委账号用户名", def); err != nil {
			return false, err
		}
	}
	yes, err := p.ask("确认按以上设置建立部署？(y/n)", "y")
	if err != nil {
		return false, err
	}
	return strings.EqualFold(yes, "y") || yes == "是", nil
}

// printResult shows what was set up and the initial passwords, once.
func printResult(w io.Writer, res *setup.Result) {
	o := res.Organisation
	fmt.Fprintf(w, "已完成设置：%s（%s）\n", res.FullName, regions.Standard(res.Region.Code))
	fmt.Fprintf(w, "  机构：%s；%s；简称 %s\n", o.Name, o.CommitteeName, o.ShortName)
	fmt.Fprintf(w, "  行政区划：新增 %d 个（辖区内乡镇、街道 %d 个）\n", res.Regions, res.Townships)
	if res.Categories > 0 {
		fmt.Fprintf(w, "  案件分类：预置 %d 个（可在工作台“分类”中修改）\n", res.Categories)
	}
	fmt.Fprintln(w, "初始账号（密码只显示这一次，请立即转交本人；首次登录必须修改密码）：")
	for _, acc := range res.Accounts {
		fmt.Fprintf(w, "  %-16s %-8s %s  密码：%s\n", acc.Username, zhitong.Label(zhitong.Roles, acc.Role), acc.DisplayName, acc.Password)
	}
	fmt.Fprintln(w, "下一步：运行 zhitong serve，用代表工委账号登录，添加联络站、承办单位和代表（或从 Excel 导入）。")
}

// setupGate issues the one-time set-up token when the deployment has no
// security administrator yet, and nil otherwise.
func setupGate(ctx context.Context, a *app.App) (*setup.Gate, error) {
	need, err := setup.Needed(ctx, a)
	if err != nil || !need {
		return nil, err
	}
	return setup.NewGate(), nil
}
