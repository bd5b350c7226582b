package layout

import "html/template"

func docx(d Doc) ([]byte, error)           { return nil, ErrNotBuilt }
func htmlDoc(d Doc) (template.HTML, error) { return "", ErrNotBuilt }
