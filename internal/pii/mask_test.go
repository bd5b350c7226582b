package pii

import "testing"

func TestMasks(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"name empty", MaskName, "", ""},
		{"name one rune", MaskName, "张", "*"},
		{"name two runes", MaskName, "张三", "张*"},
		{"name three runes", MaskName, "王小明", "王**"},
		{"name compound surname", MaskName, "欧阳娜娜", "欧***"},
		{"name with middle dot", MaskName, "阿卜杜拉·艾则孜", "阿*******"},
		{"name trimmed", MaskName, " 张三 ", "张*"},
		{"name latin", MaskName, "Li", "L*"},

		{"phone mobile", MaskPhone, "13812341234", "138****1234"},
		{"phone empty", MaskPhone, "", ""},
		{"phone tail hidden", MaskPhoneTail, "13812341234", "138********"},
		{"phone tail short", MaskPhoneTail, "123", "***"},
		{"phone one", MaskPhone, "1", "*"},
		{"phone three", MaskPhone, "123", "***"},
		{"phone four", MaskPhone, "1234", "1**4"},
		{"phone landline 8", MaskPhone, "88881234", "88****34"},
		{"phone landline 12", MaskPhone, "010-88881234", "010*******34"},
		{"phone intl", MaskPhone, "+8613812341234", "+86*********34"},
		{"phone chinese", MaskPhone, "一三八一二三四一二三四", "一三八****一二三四"},

		{"id 18", MaskIDCard, "360728199001011234", "360728********1234"},
		{"id X", MaskIDCard, "11010519491231002X", "110105********002X"},
		{"id 15", MaskIDCard, "360728900101123", "36072*******123"},
		{"id empty", MaskIDCard, "", ""},
		{"id short", MaskIDCard, "123", "1**"},
		{"id full-width", MaskIDCard, "３６０７２８１９９００１０１１２３４", "３６０７２８********１２３４"},

		{"address long", MaskAddress, "江西省赣州市信丰县嘉定镇人民路1号", "江西省赣州市****"},
		{"address seven", MaskAddress, "北京市朝阳区三", "北京市朝阳区****"},
		{"address six", MaskAddress, "北京市朝阳区", "北京市****"},
		{"address five", MaskAddress, "朝阳区三里", "朝阳****"},
		{"address one", MaskAddress, "北", "****"},
		{"address empty", MaskAddress, "", ""},
		{"address trimmed", MaskAddress, "  江西省赣州市信丰县  ", "江西省赣州市****"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
