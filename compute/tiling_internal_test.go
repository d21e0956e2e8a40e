package compute

import "testing"

// TestTaskRows: row tasks cover the rows in order without a gap, each a
// whole number of panels but the last, no two differing by more than one
// panel; 22 panels in 4 tasks go 6, 5, 6, 5.
func TestTaskRows(t *testing.T) {
	for _, m := range []int{1, 11, 12, 100, 256, 784} {
		for _, mr := range []int{1, 12} {
			panels := (m + mr - 1) / mr
			for tasks := 1; tasks <= panels && tasks <= 40; tasks++ {
				next, least, most := 0, panels, 0
				for ti := range tasks {
					i0, i1 := taskRows(m, mr, tasks, ti)
					if i0 != next || i1 <= i0 || (i1 < m && (i1-i0)%mr != 0) {
						t.Fatalf("m %d, mr %d, %d tasks: task %d has rows [%d, %d) after %d", m, mr, tasks, ti, i0, i1, next)
					}
					n := (i1 - i0 + mr - 1) / mr
					least, most, next = min(least, n), max(most, n), i1
				}
				if next != m || most-least > 1 {
					t.Fatalf("m %d, mr %d, %d tasks: rows up to %d, panels per task %d to %d", m, mr, tasks, next, least, most)
				}
			}
		}
	}
	var got []int
	for ti := range 4 {
		i0, i1 := taskRows(256, 12, 4, ti)
		got = append(got, (i1-i0+11)/12)
	}
	if got[0] != 6 || got[1] != 5 || got[2] != 6 || got[3] != 5 {
		t.Fatalf("22 panels in 4 tasks: %v panels", got)
	}
}

// TestEvenRounds checks the row task counts of products cut by rows alone:
// never more panels for the busiest worker than the count it started
// from, a multiple of the workers where that leaves fewer, and the cases
// that motivated it.
func TestEvenRounds(t *testing.T) {
	busiest := func(tasks, panels, workers int) int {
		return (tasks + workers - 1) / workers * ((panels + tasks - 1) / tasks)
	}
	for _, workers := range []int{1, 2, 3, 8, 16} {
		for panels := 1; panels <= 70; panels++ {
			for tasks := 1; tasks <= panels; tasks++ {
				got := evenRounds(tasks, panels, workers)
				if got < 1 || got > panels || busiest(got, panels, workers) > busiest(tasks, panels, workers) {
					t.Fatalf("%d tasks of %d panels on %d workers: %d tasks", tasks, panels, workers, got)
				}
				if workers == 1 && got != tasks {
					t.Fatalf("one worker: %d tasks became %d", tasks, got)
				}
			}
		}
	}
	for _, c := range []struct{ tasks, panels, workers, want int }{
		{9, 66, 2, 10}, // a Dense layer's weight gradient, 784×32
		{4, 22, 2, 4},  // already even
		{22, 22, 16, 16},
	} {
		if got := evenRounds(c.tasks, c.panels, c.workers); got != c.want {
			t.Errorf("%d tasks of %d panels on %d workers: %d tasks, want %d", c.tasks, c.panels, c.workers, got, c.want)
		}
	}
}

// TestTilesShortWideByColumns: a product of a long k whose rows fit one
// task and whose columns give every worker two tasks is cut by columns
// alone (Dense layers' kernel gradients, 32×784 and 128×784 over a batch
// of 256); one
// whose columns do not (16 workers), whose rows do not fit (784 rows), or
// whose k is short (a forward product of 32 inputs) is cut by rows too.
func TestTilesShortWideByColumns(t *testing.T) {
	kern := kernel{mr: 12, nr: 32}
	for _, c := range []struct {
		workers, m, n, k   int
		rowTasks, colTasks int
	}{
		{1, 32, 784, 256, 1, 7},
		{2, 32, 784, 256, 1, 7},
		{2, 128, 784, 256, 1, 7},
		{16, 32, 784, 256, 3, 9},
		{2, 256, 784, 32, 4, 7},
		{2, 784, 32, 256, 9, 1},
	} {
		mc, nc := tiles(kern, c.workers, c.m, c.n, c.k)
		if rows, cols := (c.m+mc-1)/mc, (c.n+nc-1)/nc; rows != c.rowTasks || cols != c.colTasks {
			t.Errorf("%d×%d, k %d, on %d workers: %d row tasks by %d column tasks, want %d by %d", c.m, c.n, c.k, c.workers, rows, cols, c.rowTasks, c.colTasks)
		}
	}
}
