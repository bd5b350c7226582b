package e2e_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/sheets"
)

// TestImportInTheBrowser uploads a stations template through /work/import:
// the script sends it with a progress bar and shows the report page.
func TestImportInTheBrowser(t *testing.T) {
	s := newSite(t)
	s.account(s.Fixture.In[zhitong.RoleCommittee], "gongwei")
	file := filepath.Join(t.TempDir(), "联络站.xlsx")
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := sheets.Template(out, "stations"); err != nil {
		t.Fatal(err)
	}
	out.Close()

	c := s.person("committee", desktopWidth)
	c.login("gongwei")
	c.visit("/work/import")
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#file-stations"), []string{file}))
	c.click(`#import-stations button`)
	c.waitText("main", "已导入：新增 1、更新 0、不变 0")
	c.waitText("main", "历市镇第二人大代表联络站")
	c.shot("import-stations-result")

	// The same file again changes nothing.
	c.visit("/work/import")
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#file-stations"), []string{file}))
	c.click(`#import-stations button`)
	c.waitText("main", "已导入：新增 0、更新 0、不变 1")
}
