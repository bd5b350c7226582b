package topics

// SetMaxTexts sets the most texts one question reads, until the returned
// function restores it.
func SetMaxTexts(n int) func() {
	was := maxTexts
	maxTexts = n
	return func() { maxTexts = was }
}
