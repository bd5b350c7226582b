// Command zhitong runs the deputy liaison platform (民意直通). See `zhitong help`.
package main

import (
	"os"

	"zhitong/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
