// Package levels is the five levels of congress (国家、省、市、县、乡) inside
// one deployment: a city or province set up with its counties (zhitong
// init, then init --add for each county), cases moved up or down between
// the organisations of that chain (移交上级/下级人大), and deputies of every
// level serving at the stations. See docs/levels.md.
package levels
