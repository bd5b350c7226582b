package mask

import "testing"

// TestPublic: phone numbers, ID numbers and names in the forms
// people really write them never reach the public; ordinary text does.
func TestPublic(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		secrets        []string
	}{
		{name: "plain mobile", in: "电话13812345678", want: "电话****"},
		{name: "dots", in: "请回电138.1234.5678谢谢", want: "请回电****谢谢"},
		{name: "spaces", in: "手机 138 1234 5678 ", want: "手机 **** "},
		{name: "dashes", in: "138-1234-5678", want: "****"},
		{name: "ideographic space", in: "138　1234　5678", want: "****"},
		{name: "full-width digits", in: "电话：１３８１２３４５６７８", want: "电话：****"},
		{name: "full-width with dots", in: "１３８．１２３４．５６７８", want: "****"},
		{name: "Chinese numerals", in: "联系电话一三八一二三四五六七八", want: "联系电话****"},
		{name: "Chinese numerals with 幺 and 〇", in: "幺三八 〇七九七 一二三四", want: "****"},
		{name: "Chinese numerals spaced", in: "一 三 八 一 二 三 四 五 六 七 八", want: "****"},
		{name: "mixed forms", in: "13八1234五678", want: "****"},
		{name: "landline with brackets", in: "（0797）4281234", want: "（****"},
		{name: "landline with dash", in: "座机0797-4281234", want: "座机****"},
		{name: "ID number", in: "身份证360728199001011234", want: "身份证****"},
		{name: "ID number with X and spaces", in: "360728 19900101 123X", want: "****"},
		{name: "two separators", in: "138 - 1234 - 5678", want: "****"},
		{name: "secret name", in: "王小明反映路灯不亮", secrets: []string{"王小明"}, want: "王**反映路灯不亮"},
		{name: "self introduction", in: "我叫李四海，住胜利路18号2单元501室", want: "我叫李**，住胜利路**号**单元**室"},
		{name: "villager", in: "村民张三反映水渠堵塞", want: "村民张*反映水渠堵塞"},
		{name: "contact person", in: "联系人：刘德华", want: "联系人：刘**"},
		{name: "owner", in: "业主陈小红称物业不作为", want: "业主陈**称物业不作为"},
		{name: "house in Chinese numerals", in: "幸福小区八号楼三单元五〇一室", want: "幸福小区**号楼**单元**室"},
		// Ordinary public text stays readable.
		{name: "date with dots", in: "2026.12.07 已修复", want: "2026.12.07 已修复"},
		{name: "date with dashes", in: "于2026-12-07完成", want: "于2026-12-07完成"},
		{name: "date then phone", in: "2026.12.07 13812345678", want: "2026.12.07 ****"},
		{name: "short numbers", in: "加装雨水篦子 3 个，投入 12 万元", want: "加装雨水篦子 3 个，投入 12 万元"},
		{name: "enumeration", in: "一、二、三、四、五、六、七项整改", want: "一、二、三、四、五、六、七项整改"},
		{name: "villagers without a name", in: "村民反映道路破损", want: "村民反映道路破损"},
		{name: "ordinal", in: "按第3号文件执行", want: "按第3号文件执行"},
		{name: "a set of", in: "更换一组路灯", want: "更换一组路灯"},
		{name: "Chinese words with numerals", in: "一一落实，三三两两", want: "一一落实，三三两两"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Public(c.in, c.secrets...)
			if got != c.want {
				t.Errorf("Public(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
