package layout

func docx(d Doc) ([]byte, error) { return nil, ErrNotBuilt }
