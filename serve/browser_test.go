package serve_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/latent-go/latent/ae"
	"github.com/latent-go/latent/data"
	"github.com/latent-go/latent/infer"
	"github.com/latent-go/latent/model"
	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/serve"
)

// chromium is Debian's browser, which .ci/run installs.
const chromium = "/usr/bin/chromium"

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("Debian's chromium is not installed (.ci/run installs it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1500, 1000))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// TestExplorerInBrowser opens the explorer of a 2-d model of 300 MNIST
// test digits in a real browser: the scatter draws 300 points, moving
// over the plane changes the decoded image, and a click on a point shows
// its reconstruction. With LATENT_SCREENSHOTS=DIR it saves a screenshot.
func TestExplorerInBrowser(t *testing.T) {
	ctx := browser(t)
	openExplorer(t, ctx, newServer(t, 300))
	count, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("scatter").dataset.count`))
	if err != nil || count != "300" {
		t.Errorf("the scatter drew %s points, want 300 (%v)", count, err)
	}
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Left, Top float64 }](scatterCorner))
	if err != nil {
		t.Fatal(err)
	}
	sumAt := func(x, y float64) string {
		before, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("decoded").dataset.version`))
		if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, rect.Left+x, rect.Top+y)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("decoded").dataset.version !== "`+before+`"`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatal(err)
		}
		sum, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("decoded").dataset.sum`))
		return sum
	}
	a, b := sumAt(60, 60), sumAt(500, 500)
	if a == b || a == "" {
		t.Errorf("moving over the plane did not change the decoded image (sums %s and %s)", a, b)
	}
	index, info := clickPoint(t, ctx, 0)
	if i, err := strconv.Atoi(index); err != nil || i < 0 || i >= 300 {
		t.Errorf("the click showed point %q", index)
	}
	if info == "click a point" || info == "" {
		t.Errorf("the clicked point's line: %q", info)
	}
	if dir := os.Getenv("LATENT_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "explorer-test.png"), png, 0o644)
	}
}

// openExplorer serves s on loopback for the test and opens its explorer
// page in the browser, ready.
func openExplorer(t *testing.T, ctx context.Context, s *serve.Server) {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
	); err != nil {
		t.Fatal(err)
	}
}

// scatterCorner is the page's script for the scatter's top left corner.
const scatterCorner = `(() => { const r = document.getElementById("scatter").getBoundingClientRect(); return {Left: r.left, Top: r.top}; })()`

// clickPoint clicks the scatter at point i's pixel and returns the index
// of the point the page then shows and its line.
func clickPoint(t *testing.T, ctx context.Context, i int) (index, info string) {
	t.Helper()
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Left, Top float64 }](scatterCorner))
	if err != nil {
		t.Fatal(err)
	}
	px, err := chromedp.Run(ctx, chromedp.Evaluate[[2]float64](fmt.Sprintf(`window.latent.pointPixel(%d)`, i)))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.MouseClickXY(rect.Left+px[0], rect.Top+px[1]),
		chromedp.WaitVisible(chromedp.CSS(`#sample-output[data-index]`)),
	); err != nil {
		t.Fatal(err)
	}
	index, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("sample-output").dataset.index`))
	info, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("sample-info").textContent`))
	return index, info
}

// TestExplorerShowsKeys: a click on a point of a CSV with an id column
// shows that point's id.
func TestExplorerShowsKeys(t *testing.T) {
	ctx := browser(t)
	s, err := serve.New(savedPCA(t), serve.Options{Points: idPoints(t, 20)})
	if err != nil {
		t.Fatal(err)
	}
	openExplorer(t, ctx, s)
	index, info := clickPoint(t, ctx, 7)
	if !strings.Contains(info, "point "+index+", id row-"+index+":") {
		t.Errorf("the clicked point %s's line: %q", index, info)
	}
}

// TestExplorerNamesFeatures: for a model of a table (not images), the
// clicked point's bar chart names each bar's feature and value on hover,
// as the model file names its features.
func TestExplorerNamesFeatures(t *testing.T) {
	ctx := browser(t)
	a, err := ae.Build(model.Architecture{InputShape: []int{3},
		Encoder: []nn.LayerSpec{{Type: "Dense", Units: 2}}, Decoder: []nn.LayerSpec{{Type: "Dense", Units: 3}}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "table.safetensors")
	if err := model.Save(a, path, map[string]string{model.MetaLoss: "mean_squared_error", model.MetaFeatures: model.FeaturesMeta([]string{"height", "weight", "age"})}); err != nil {
		t.Fatal(err)
	}
	m, err := infer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(dir, "people.csv")
	os.WriteFile(table, []byte("height,weight,age\n1.6,55,30\n1.8,80,41\n1.7,66,25\n1.5,49,62\n"), 0o644)
	points, err := data.Open(table, data.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := serve.New(m, serve.Options{Points: points})
	if err != nil {
		t.Fatal(err)
	}
	openExplorer(t, ctx, s)
	index, _ := clickPoint(t, ctx, 1)
	title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("sample-input").title`))
	i, _ := strconv.Atoi(index)
	want := [][]string{{"1.600", "55.00", "30.00"}, {"1.800", "80.00", "41.00"}, {"1.700", "66.00", "25.00"}, {"1.500", "49.00", "62.00"}}[i]
	if title != "height: "+want[0]+"\nweight: "+want[1]+"\nage: "+want[2] {
		t.Errorf("point %s's bars are titled %q", index, title)
	}
}

// TestExplorerScreenshots takes the README's screenshots: with
// LATENT_SCREENSHOT_MODELS=a.safetensors,b.safetensors and
// LATENT_SCREENSHOTS=DIR it opens each model's explorer over 1,000 MNIST
// test digits, moves over the plane, clicks a point and saves
// explorer-N.png.
func TestExplorerScreenshots(t *testing.T) {
	models, dir := os.Getenv("LATENT_SCREENSHOT_MODELS"), os.Getenv("LATENT_SCREENSHOTS")
	if models == "" || dir == "" {
		t.Skip("set LATENT_SCREENSHOT_MODELS and LATENT_SCREENSHOTS to take the README's screenshots")
	}
	for n, path := range strings.Split(models, ",") {
		ctx := browser(t)
		m, err := infer.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := infer.OpenInput("mnist", m.Network().Inputs()[0].Shape(), infer.InputOptions{Data: data.Options{NoDownload: true}})
		if err != nil {
			t.Fatal(err)
		}
		s, err := serve.New(m, serve.Options{Points: pts, MaxPoints: 1000})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
		if err == nil {
			rect, _ := chromedp.Run(ctx, chromedp.Evaluate[struct{ Left, Top float64 }](scatterCorner))
			px, _ := chromedp.Run(ctx, chromedp.Evaluate[[2]float64](`window.latent.pointPixel(3)`))
			err = chromedp.Do(ctx, chromedp.MouseClickXY(rect.Left+px[0], rect.Top+px[1]), chromedp.WaitVisible(chromedp.CSS(`#sample-output[data-index]`)),
				chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, rect.Left+200, rect.Top+220), chromedp.Sleep(500*time.Millisecond))
		}
		if err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("explorer-%d.png", n+1)), png, 0o644)
		srv.Close()
	}
}
