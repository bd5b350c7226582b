package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/exchange"
)

// The row-by-row category map of a peer (docs/exchange.md): the hotline's
// category code and name ↔ one of ours, one row each, alongside the JSON
// import of the peer form. Clearing a row's code and category removes it.

type categoryRow struct {
	Num                int // 1-based, as the page numbers it
	Theirs, Name, Ours string
	Bad                string // theirs | name | ours: the field the error is about
}

type workExchangeCategoriesData struct {
	Peer       *exchange.Peer
	Rows       []categoryRow
	Categories []zhitong.Category
	Error      string
}

// blankCategoryRows is how many empty rows the editor offers for new ones.
const blankCategoryRows = 5

func (h *Handler) workExchangeCategories(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	pr, err := exchange.New(h.app).Peer(r.Context(), p, r.PathValue("name"))
	if err != nil {
		return err
	}
	rows := make([]categoryRow, 0, len(pr.Categories)+blankCategoryRows)
	for _, m := range pr.Categories {
		rows = append(rows, categoryRow{Theirs: m.Theirs, Name: m.Name, Ours: m.Ours})
	}
	return h.renderExchangeCategories(w, r, http.StatusOK, pr, rows, "")
}

func (h *Handler) renderExchangeCategories(w http.ResponseWriter, r *http.Request, status int, pr *exchange.Peer, rows []categoryRow, msg string) error {
	cats, err := h.app.Categories(r.Context())
	if err != nil {
		return err
	}
	for range blankCategoryRows {
		rows = append(rows, categoryRow{})
	}
	for i := range rows {
		rows[i].Num = i + 1
	}
	title := "分类对照：" + pr.Name
	if msg != "" {
		title = "有误：" + title
	}
	return h.render(w, r, status, "work_exchange_categories", title, &workExchangeCategoriesData{Peer: pr, Rows: rows, Categories: cats, Error: msg})
}

func (h *Handler) workExchangeCategoriesSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	x := exchange.New(h.app)
	pr, err := x.Peer(r.Context(), p, r.PathValue("name"))
	if err != nil {
		return err
	}
	f := r.PostForm
	theirs, names, ours := f["theirs"], f["cat_name"], f["ours"]
	var rows []categoryRow
	var list []exchange.Mapping
	var at []int // the form row of each mapping
	for i := range theirs {
		row := categoryRow{Theirs: strings.TrimSpace(theirs[i])}
		if i < len(names) {
			row.Name = strings.TrimSpace(names[i])
		}
		if i < len(ours) {
			row.Ours = ours[i]
		}
		if row.Theirs == "" && row.Ours == "" && row.Name == "" {
			continue // a blank row, or one cleared to remove it
		}
		rows = append(rows, row)
		list = append(list, exchange.Mapping{Theirs: row.Theirs, Name: row.Name, Ours: row.Ours})
		at = append(at, len(rows)-1)
	}
	if _, err := x.SetCategories(r.Context(), p, pr.Name, list); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		// categories[i].field: mark that row's field.
		field := zhitong.ErrorField(err)
		if i, rest, ok := strings.Cut(strings.TrimPrefix(field, "categories["), "]."); ok {
			if n, err := strconv.Atoi(i); err == nil && n < len(at) {
				rows[at[n]].Bad = rest
			}
		}
		return h.renderExchangeCategories(w, r, workSwapStatus(r, http.StatusBadRequest), pr, rows, zhitong.ErrorMessage(err))
	}
	h.flash(r, "已保存“"+pr.Name+"”的分类对照（"+strconv.Itoa(len(list))+" 项）")
	http.Redirect(w, r, "/work/admin/exchange/peers/"+pr.Name+"/categories", http.StatusSeeOther)
	return nil
}
