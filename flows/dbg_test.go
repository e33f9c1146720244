package flows

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDbg(t *testing.T) {
	for _, s := range strings.Split(os.Getenv("DBG"), "||") {
		a := Analyze(s, Context{Now: monday})
		fmt.Println(s, "\n ", describe(a))
	}
}
