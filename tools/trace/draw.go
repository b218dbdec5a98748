package trace

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The picture's geometry, in px. It is drawn for a page about 900 px wide:
// a long run wraps onto further rows rather than growing wider.
const (
	figW       = 900.0
	margin     = 14.0
	labelW     = 112.0 // the lanes' names
	plotL      = margin + labelW + 12
	plotR      = figW - margin - 6
	slotW      = 16.0 // the least distance between two events; 11 at a pinch
	minSlotW   = 11.0
	gapBoxW    = 28.0 // the box that marks a jump in time: the same for every jump
	gapW       = 60.0 // room for it: from the item before the jump to the one after
	minGapW    = gapBoxW + 16
	gapMin     = 1000  // µs: a jump longer than this is marked with its length
	longCall   = 1000  // µs: a call that lasts longer is drawn as a bar
	queueMin   = 20000 // µs: a client queued for longer gets a label saying so
	laneH      = 36.0
	laneMid    = 16.0 // a lane's line, from its top: room for a label above its marks
	lineH      = 11.0 // one line of an epoll_wait return's list
	capPad     = 6.0  // the least room after a caption
	rowHead    = 18.0 // above a row's lanes: the gaps' lengths, SIGTERM
	rowFoot    = 18.0 // below them: the time at the row's ends
	small      = 9.5  // font sizes
	normal     = 11.0
	clientSize = 10.0 // a client's letter
	font       = `system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif`
)

// Colours: one per kind of call, a tint of it for the lanes' states.
const (
	cAccept   = "#ea580c"
	cRead     = "#2563eb"
	cWrite    = "#16a34a"
	cEpoll    = "#7c3aed"
	cShutdown = "#dc2626"
	cClose    = "#111827"
	cOption   = "#facc15" // yellow, outlined: it stands out on any band
	cOutline  = "#1f2937"
	cSignal   = "#374151" // dark grey: red is for shutdown and HUP
	cSetup    = "#6b7280"
	cClient   = "#475569"
	cOther    = "#d97706"
	cInk      = "#1f2937"
	cFaint    = "#6b7280"
	tIn       = "#bfdbfe"
	tOut      = "#bbf7d0"
	tNone     = "#e5e7eb"
	tOpen     = "#64748b"
	tEpoll    = "#ddd6fe"
)

// Draw renders runs of one scenario, one panel each, stacked in order, with
// its labels in lang ("en" or "zh-CN"). The same runs give the same bytes.
func Draw(w io.Writer, runs []*Run, lang string) error {
	d := &drawer{lang: lang}
	svg, err := d.draw(runs)
	if err != nil {
		return err
	}
	_, err = w.Write(svg)
	return err
}

// draw returns the SVG of runs.
func (d *drawer) draw(runs []*Run) ([]byte, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("draw: no runs")
	}
	lang := d.lang
	var body bytes.Buffer
	d.b = &body
	y := margin
	// A trace that is not one of the recordings has no scenario to name.
	if _, ok := words[runs[0].Trace.Scenario]; ok {
		for _, line := range wrap(say(lang, runs[0].Trace.Scenario), 15, figW-2*margin) {
			d.text(margin, y+14, line, 15, cInk, `font-weight="bold"`)
			y += 20
		}
	}
	y += 6
	for _, r := range runs {
		y = d.panel(newPanel(r, lang), y) + 14
	}
	y = d.legend(y)
	recorded := "footer-run"
	if len(runs) > 1 {
		recorded = "footer-runs"
	}
	for _, line := range wrap(say(lang, recorded)+say(lang, "footer"), small, figW-2*margin) {
		d.text(margin, y+10, line, small, cFaint, "")
		y += 14
	}
	height := y + margin

	var out bytes.Buffer
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="%s" font-size="%g">`+"\n",
		figW, height, figW, height, font, normal)
	fmt.Fprintf(&out, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	out.Write(body.Bytes())
	out.WriteString("</svg>\n")
	return out.Bytes(), nil
}

// A lane is one line of marks: the listening socket, the epoll instance, a
// connection (with its client's own events), or a client that was never
// accepted.
type lane struct {
	name, fd string // its label, in two lines
}

// An item is one event in the picture, and takes one slot: a call's return
// (or the call, when it is short), the start of a long call, a client's
// event, a signal.
type item struct {
	t      int64
	op     *Op
	start  bool // the start of a long call; another item is its return
	client *ClientEvent
	signal *Signal
	lanes  []*lane // the lanes it puts a mark on, its own first
	// The lines written under its mark: an epoll_wait return's events, a
	// socket option, EOF, the name of a set-up call.
	caption []string
	// Where its slot landed.
	row   int
	x     float64
	gap   bool    // time jumped since the item before
	above bool    // its caption goes above the line
	ret   int     // for a long call's start: the index of its return, or -1
	reach float64 // for a client's event: how far its letter reaches either side
}

// A stretch is drawn along a lane from one item to another: a lane's line
// (the fd open, the client's side), a pale band behind it (in the interest
// list) or a bar (a call that blocked), with a label over its longest piece.
type stretch struct {
	lane     *lane
	kind     stretchKind
	from, to int
	colour   string
	width    float64
	extra    string // more attributes of the line
	// The label, in the order of preference: the first that has room.
	labels []string
}

type stretchKind int

const (
	sBand stretchKind = iota // drawn first: a background
	sLine
	sBar
)

// A rowBox is one row of a panel: its items and the lanes shown in it.
type rowBox struct {
	first, last int
	lanes       []*lane
	mid         map[*lane]float64 // the y of each lane's line, from the row's top
	top, h      map[*lane]float64
	height      float64
}

type panel struct {
	title     string
	chapter   string // for the rows after the first: "ch3-epoll-lt (continued)"
	lanes     []*lane
	order     map[*lane]int // a lane's place in lanes, top first
	byLane    map[Lane]*lane
	byCli     map[int]*lane
	items     []*item
	stretches []stretch
	rows      []*rowBox
}

// blocking are the calls that can wait: drawn as a bar when they last.
var blocking = map[string]bool{
	"accept": true, "accept4": true, "read": true, "recvfrom": true, "write": true, "sendto": true,
	"epoll_wait": true, "epoll_pwait": true,
}

func newPanel(r *Run, lang string) *panel {
	p := &panel{title: r.Trace.Chapter, chapter: r.Trace.Chapter, order: map[*lane]int{}, byLane: map[Lane]*lane{}, byCli: map[int]*lane{}}
	if _, ok := words[r.Trace.Chapter]; ok {
		p.title = say(lang, r.Trace.Chapter)
	}
	add := func(name, fd string) *lane {
		l := &lane{name: name, fd: fd}
		p.order[l] = len(p.lanes)
		p.lanes = append(p.lanes, l)
		return l
	}
	p.byLane[LaneListener] = add(say(lang, "listener"), fmt.Sprintf("fd %d", r.Listener))
	if r.Epoll >= 0 {
		p.byLane[LaneEpoll] = add(say(lang, "epoll"), say(lang, "epoll-fd", r.Epoll))
	}
	// A connection's fd number may be one that an earlier connection had:
	// the kernel hands out the lowest free number, so its label says so.
	used := map[int]bool{}
	for _, c := range r.Conns {
		name := fmt.Sprintf("fd %d", c.FD)
		if c.Client > 0 {
			name = say(lang, "client", c.Client)
			if r.Trace.Scenario == "burst" && c.Client == BigClient {
				name += fmt.Sprintf(" · %d KiB", BigRequest>>10)
			}
		}
		fd := fmt.Sprintf("fd %d", c.FD)
		if used[c.FD] {
			fd = say(lang, "fd-reused", c.FD)
		}
		used[c.FD] = true
		l := add(name, fd)
		p.byLane[Lane(c.N)] = l
		if c.Client > 0 {
			p.byCli[c.Client] = l
		}
	}
	for _, e := range r.Trace.Clients {
		if p.byCli[e.Client] == nil {
			p.byCli[e.Client] = add(say(lang, "client", e.Client), say(lang, "unaccepted"))
		}
	}

	// The items, in time order. A call that blocked has two: its start, and
	// its return, which is where its effects show.
	for i := range r.Ops {
		op := &r.Ops[i]
		c := op.Call
		l := p.byLane[op.Lane]
		long := blocking[c.Name] && (c.Dur > longCall || !c.Done)
		if long {
			p.items = append(p.items, &item{t: c.Start, op: op, start: true, lanes: []*lane{l}, ret: -1})
		}
		if !c.Done {
			continue
		}
		// A call that can wait shows where it returned, even when it
		// waited less than a bar's worth: an accept that waited for a
		// client comes after the client's connect.
		it := &item{t: c.Start, op: op, lanes: []*lane{l}, caption: caption(op)}
		if blocking[c.Name] {
			it.t = c.End()
		}
		if op.Accepted != 0 {
			it.lanes = append(it.lanes, p.byLane[op.Accepted])
		}
		for _, e := range op.Ready {
			if rl := p.byLane[e.Lane]; rl != nil && rl != l {
				it.lanes = append(it.lanes, rl)
			}
		}
		p.items = append(p.items, it)
	}
	for i := range r.Trace.Clients {
		e := &r.Trace.Clients[i]
		it := &item{t: e.Time, client: e, lanes: []*lane{p.byCli[e.Client]}}
		// Two letters side by side must not read as a word: a Chinese
		// character needs more room than a Latin letter.
		it.reach = max(5, textWidth(say(lang, "c-"+e.Kind), clientSize)/2+1.5)
		if e.Kind == ClientFail {
			it.caption = []string{say(lang, "client-fail", e.Err)}
		}
		p.items = append(p.items, it)
	}
	for i := range r.Trace.Signals {
		p.items = append(p.items, &item{t: r.Trace.Signals[i].Time, signal: &r.Trace.Signals[i]})
	}
	// Ties keep the order they were added in: the server's calls first.
	slices.SortStableFunc(p.items, func(a, b *item) int { return cmp.Compare(a.t, b.t) })
	for i, it := range p.items {
		if it.start {
			for j := i + 1; j < len(p.items); j++ {
				if p.items[j].op == it.op {
					it.ret = j
					break
				}
			}
		}
	}

	// A row that wraps costs a whole row: narrower slots, or less room
	// around the gaps' boxes, are worth it when they save one. Take the
	// widest slots, then the widest gaps, that need the fewest rows.
	type try struct{ w, gap float64 }
	best, rows := try{slotW, gapW}, p.layout(slotW, gapW)
	for w := slotW; w >= minSlotW; w-- {
		for gap := gapW; gap >= minGapW; gap -= (gapW - minGapW) / 2 {
			if n := p.layout(w, gap); n < rows {
				best, rows = try{w, gap}, n
			}
		}
	}
	p.layout(best.w, best.gap)
	p.findStretches(lang)
	p.arrange()
	return p
}

// caption is what is written under an op's mark.
func caption(op *Op) []string {
	c := op.Call
	// A hollow mark is EAGAIN; any other failure says what it was.
	if !c.OK() && c.Errno != "EAGAIN" {
		return []string{cmp.Or(c.Errno, "?")}
	}
	switch c.Name {
	case "epoll_wait", "epoll_pwait":
		if len(op.Ready) == 0 {
			return []string{"0"}
		}
		var lines []string
		for _, e := range op.Ready {
			lines = append(lines, fmt.Sprintf("%d %s", e.FD, e.Events))
		}
		return lines
	case "setsockopt":
		return []string{fmt.Sprintf("%s %d", op.Option, op.Value)}
	case "read", "recvfrom":
		if c.OK() && c.Ret == 0 {
			return []string{"EOF"}
		}
	case "socket", "bind", "listen", "epoll_create1":
		return []string{c.Name}
	}
	return nil
}

// aboveOK are the calls whose caption may go above the line: there is no
// bar there to run into. A socket option's always does: below are the
// client's letters.
var aboveOK = map[string]bool{"socket": true, "bind": true, "listen": true, "setsockopt": true}

// layout gives each item its row and x: one slot (at least w) after the
// other, gap apart where time jumps (room for the gap's box). Above
// and below its line, a lane has room for one thing at a time: a caption
// under a mark runs right until the next thing there, so an item moves
// along until its caption, a client's mark (below) or a report of
// epoll_wait (above) has room. The dotted line from an accept down to its
// connection's lane waits until it crosses none of these. A caption goes
// below, or, for a few calls, above when that is free sooner (a socket
// option's always). A full row wraps onto the next. layout returns the
// number of rows.
func (p *panel) layout(w, gap float64) int {
	type zones struct{ above, below float64 } // how far each is taken
	var free map[*lane]*zones
	zone := func(l *lane) *zones {
		if free[l] == nil {
			free[l] = &zones{}
		}
		return free[l]
	}
	// place finds the least x ≥ next at which the item fits, and whether
	// its caption goes above.
	place := func(it *item, next float64) (float64, bool) {
		if len(it.lanes) == 0 {
			return next, false // a signal: a line across the row
		}
		if it.client != nil {
			next = max(next, zone(it.lanes[0]).below+it.reach)
		}
		for _, l := range it.lanes[1:] {
			if it.op != nil && len(it.op.Ready) > 0 {
				next = max(next, zone(l).above+5)
			}
		}
		if it.op != nil && it.op.Accepted != 0 {
			// From the listening socket's line down to the new lane's.
			from, to := p.order[it.lanes[0]], p.order[it.lanes[1]]
			for _, l := range p.lanes[from : to+1] {
				z := zone(l)
				next = max(next, z.below+2)
				if l != it.lanes[0] {
					next = max(next, z.above+2)
				}
			}
		}
		if len(it.caption) == 0 {
			return next, false
		}
		z := zone(it.lanes[0])
		if it.op != nil && aboveOK[it.op.Call.Name] && (z.above < z.below || it.op.Call.Name == "setsockopt") {
			return max(next, z.above+6), true
		}
		return max(next, z.below+6), false
	}
	x, row, head := plotL, 0, 0.0 // head: how far the row's labels above the lanes reach
	free = map[*lane]*zones{}
	for i, it := range p.items {
		it.gap = i > 0 && it.t-p.items[i-1].t > gapMin
		start := x + w
		if i == 0 {
			start = plotL + 8
		}
		if it.gap {
			start = x + gap
		}
		next, above := place(it, start)
		next = p.headroom(i, next, head)
		if i > 0 && (next > plotR-4 || next-5+captionW(it) > figW-margin) {
			row++
			free, head = map[*lane]*zones{}, 0
			start = plotL + 8
			if it.gap {
				start += gap - w
			}
			next, above = place(it, start)
			next = p.headroom(i, next, head)
		}
		it.row, it.x, it.above = row, next, above
		// A signal that comes after a gap has both labels; the signal's
		// name, right of its line, reaches further.
		if it.gap {
			head = p.gapLabelX(i, next) + textWidth(p.gapLabel(i), small)/2
		}
		if it.signal != nil {
			head = next + 3 + textWidth(it.signal.Name, small)
		}
		switch {
		case len(it.caption) > 0 && above:
			zone(it.lanes[0]).above = next - 5 + captionW(it) + capPad
		case len(it.caption) > 0:
			zone(it.lanes[0]).below = next - 5 + captionW(it) + capPad
		case it.client != nil:
			zone(it.lanes[0]).below = next + it.reach
		}
		if it.op != nil && len(it.op.Ready) > 0 {
			for _, l := range it.lanes[1:] {
				zone(l).above = next + 5
			}
		}
		x = next
	}
	return row + 1
}

// headroom moves item i (to be placed at next) along until its label
// above the lanes (a gap's length, a signal's name) clears the one before,
// which reaches head.
func (p *panel) headroom(i int, next, head float64) float64 {
	it := p.items[i]
	if it.signal != nil {
		next = max(next, head+8)
	}
	if it.gap {
		w := textWidth(p.gapLabel(i), small)
		if short := head + 10 - (p.gapLabelX(i, next) - w/2); short > 0 {
			next += short
		}
	}
	return next
}

// gapBox is where the box of the gap before an item at x lies: just
// before it, the same width for every gap.
func gapBox(x float64) (from, to float64) { return x - 7 - gapBoxW, x - 7 }

// gapLabelX is the centre of the label of the gap before item i, placed
// at x: over the gap's box, but left of a signal's line.
func (p *panel) gapLabelX(i int, x float64) float64 {
	from, to := gapBox(x)
	c := (from + to) / 2
	if p.items[i].signal != nil {
		c = min(c, x-4-textWidth(p.gapLabel(i), small)/2)
	}
	return c
}

// gapLabel is the length of the gap before item i: "+300 ms".
func (p *panel) gapLabel(i int) string {
	return "+" + duration(p.items[i].t-p.items[i-1].t)
}

func captionW(it *item) float64 {
	w := 0.0
	for _, line := range it.caption {
		w = max(w, textWidth(line, small))
	}
	return w
}

// findStretches works out each lane's line (the fd open, the client's
// side), its bands (in the interest list), from what the server did to its
// fd (accepted, added to the interest list, modified, removed, closed) and
// what the client did, and the bars of the calls that blocked.
func (p *panel) findStretches(lang string) {
	type key struct {
		l    *lane
		kind stretchKind
	}
	open := map[key]*stretch{}
	end := func(l *lane, kind stretchKind, at int) {
		if s := open[key{l, kind}]; s != nil {
			s.to = at
			p.stretches = append(p.stretches, *s)
			delete(open, key{l, kind})
		}
	}
	begin := func(l *lane, kind stretchKind, at int, colour string, width float64) {
		end(l, kind, at)
		open[key{l, kind}] = &stretch{lane: l, kind: kind, from: at, colour: colour, width: width, extra: `stroke-linecap="round"`}
	}
	// The clients' side, beneath: a dashed line from connect to close, or
	// to the server's close if that comes first (the client's letters after
	// it say what the client still does), and over it, if the server took
	// long to accept, how long it waited.
	closed := map[*lane]int{}
	for i, it := range p.items {
		if it.op != nil && it.op.Call.Name == "close" && it.op.Lane > 0 {
			closed[it.lanes[0]] = i
		}
	}
	connected := map[*lane]int{}
	for i, it := range p.items {
		switch {
		case it.client != nil && it.client.Kind == ClientConnect:
			connected[it.lanes[0]] = i
		case it.client != nil && it.client.Kind == ClientClose:
			if from, ok := connected[it.lanes[0]]; ok {
				to := i
				if c, ok := closed[it.lanes[0]]; ok && from < c && c < i {
					to = c
				}
				p.stretches = append(p.stretches, stretch{lane: it.lanes[0], kind: sLine, from: from, to: to,
					colour: cClient, width: 1.2, extra: `stroke-dasharray="4 3"`})
			}
		case it.op != nil && it.op.Accepted != 0 && !it.start:
			l := p.byLane[it.op.Accepted]
			if from, ok := connected[l]; ok && it.t-p.items[from].t > queueMin {
				p.stretches = append(p.stretches, stretch{lane: l, kind: sLine, from: from, to: i,
					labels: []string{say(lang, "queued", duration(it.t-p.items[from].t))}, colour: cClient})
			}
		}
	}
	for i, it := range p.items {
		if it.op == nil || it.start {
			continue
		}
		op, c, l := it.op, it.op.Call, it.lanes[0]
		switch {
		case c.Name == "listen" && c.OK():
			begin(l, sLine, i, tOpen, 2.5)
		case c.Name == "epoll_create1" && c.OK():
			begin(l, sLine, i, tEpoll, 3)
		case op.Accepted != 0:
			begin(p.byLane[op.Accepted], sLine, i, tOpen, 2.5)
		case c.Name == "epoll_ctl" && c.OK():
			switch {
			case op.CtlOp == "DEL":
				end(l, sBand, i)
			case strings.Contains(op.CtlEvents, "IN"):
				begin(l, sBand, i, tIn, 0)
			case strings.Contains(op.CtlEvents, "OUT"):
				begin(l, sBand, i, tOut, 0)
			default:
				begin(l, sBand, i, tNone, 0)
			}
		case c.Name == "close":
			end(l, sBand, i)
			end(l, sLine, i)
		}
	}
	// What is still open at the end runs to the last item.
	for _, l := range p.lanes {
		end(l, sBand, len(p.items)-1)
		end(l, sLine, len(p.items)-1)
	}
	for i, it := range p.items {
		if !it.start {
			continue
		}
		name := it.op.Call.Name
		s := stretch{lane: it.lanes[0], kind: sBar, from: i, to: it.ret, colour: callColour(it.op.Call)}
		if it.ret < 0 {
			// Cut short by the exit: it lasts as long as the trace.
			s.to = len(p.items) - 1
			s.labels = []string{say(lang, "unfinished-in", name), say(lang, "unfinished")}
		} else {
			d := duration(it.op.Call.Dur)
			s.labels = []string{say(lang, "blocks-in", name, d), say(lang, "blocks", d)}
		}
		p.stretches = append(p.stretches, s)
	}
}

// arrange lays out each row's lanes: the listening socket and the epoll
// instance always, a connection's lane only where something happens on it.
func (p *panel) arrange() {
	for i, it := range p.items {
		if it.row == len(p.rows) {
			p.rows = append(p.rows, &rowBox{first: i, mid: map[*lane]float64{}, top: map[*lane]float64{}, h: map[*lane]float64{}})
		}
		p.rows[it.row].last = i
	}
	for r, box := range p.rows {
		shown := map[*lane]bool{p.byLane[LaneListener]: true, p.byLane[LaneEpoll]: true}
		for _, it := range p.items[box.first : box.last+1] {
			for _, l := range it.lanes {
				shown[l] = true
			}
		}
		for _, s := range p.stretches {
			if p.items[s.from].row <= r && r <= p.items[s.to].row {
				shown[s.lane] = true
			}
		}
		// The epoll lane is as tall as the longest list of events that one
		// of the row's epoll_wait calls returned.
		lines := 1
		for _, it := range p.items[box.first : box.last+1] {
			if it.op != nil && it.op.Lane == LaneEpoll {
				lines = max(lines, len(it.caption))
			}
		}
		y := rowHead
		for _, l := range p.lanes {
			if !shown[l] {
				continue
			}
			box.lanes = append(box.lanes, l)
			box.top[l], box.mid[l], box.h[l] = y, y+laneMid, laneH
			if l == p.byLane[LaneEpoll] {
				box.h[l] = laneH - 10 + lineH*float64(lines)
			}
			y += box.h[l]
		}
		box.height = y + rowFoot
	}
}

// drawer writes SVG elements into b. While it draws a row, it keeps the
// boxes that the row's text and marks take, so that the labels it draws
// last (how long a call blocked, how long a client queued) go where they
// cover nothing.
type drawer struct {
	b      *bytes.Buffer
	lang   string
	track  bool     // in a row: keep what is drawn in taken
	taken  []box    // what the row's text and marks cover so far
	placed []placed // where the stretches' labels went, for the tests
}

// placed is a stretch's label as written, and the band of its lane.
type placed struct {
	text      string
	at, lane  box
	overPiece bool // it lies over its own piece of the lane
}

// A box is the rectangle that something drawn covers.
type box struct{ x1, y1, x2, y2 float64 }

func (a box) overlaps(b box) bool {
	return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2
}

// textBox is the box that s covers when written at x with its baseline at
// y, anchored as extra says.
func textBox(x, y float64, s string, size float64, extra string) box {
	w := textWidth(s, size)
	switch {
	case strings.Contains(extra, `text-anchor="middle"`):
		x -= w / 2
	case strings.Contains(extra, `text-anchor="end"`):
		x -= w
	}
	return box{x, y - 0.8*size, x + w, y + 0.25*size}
}

func (d *drawer) take(b box) {
	if d.track {
		d.taken = append(d.taken, b)
	}
}

func (d *drawer) free(b box) bool {
	for _, t := range d.taken {
		if t.overlaps(b) {
			return false
		}
	}
	return true
}

func (d *drawer) text(x, y float64, s string, size float64, fill, extra string) {
	d.take(textBox(x, y, s, size, extra))
	fmt.Fprintf(d.b, `<text x="%.1f" y="%.1f" font-size="%g" fill="%s"%s>%s</text>`+"\n", x, y, size, fill, attr(extra), esc(s))
}

func attr(extra string) string {
	if extra == "" {
		return ""
	}
	return " " + extra
}

func (d *drawer) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	fmt.Fprintf(d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"%s/>`+"\n", x1, y1, x2, y2, stroke, width, attr(extra))
}

// panel draws p from y down and returns where it ends.
func (d *drawer) panel(p *panel, y float64) float64 {
	d.text(margin, y+14, p.title, 13, cInk, `font-weight="bold"`)
	y += 22
	for r, box := range p.rows {
		if r > 0 {
			// A row that carries on from the one above says whose it is.
			d.text(margin, y+14, strings.TrimSpace(say(d.lang, "continued", p.chapter)), normal, cFaint, `font-weight="bold"`)
			y += 20
		}
		d.row(p, r, box, y)
		y += box.height
	}
	return y
}

// row draws one row of a panel; y is its top.
func (d *drawer) row(p *panel, r int, box *rowBox, y float64) {
	d.track, d.taken = true, nil
	defer func() { d.track, d.taken = false, nil }()
	bottom := y + box.height - rowFoot
	// Lane backgrounds and names.
	for i, l := range box.lanes {
		if i%2 == 0 {
			fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#f8fafc"/>`+"\n", margin, y+box.top[l], figW-2*margin, box.h[l])
		}
		d.text(margin+4, y+box.mid[l]+4, l.name, normal, cInk, "")
		d.text(margin+4, y+box.mid[l]+16, l.fd, small, cFaint, "")
	}
	// Gaps: a pale box, and how long the jump was.
	for i := box.first; i <= box.last; i++ {
		it := p.items[i]
		if !it.gap {
			continue
		}
		from, to := gapBox(it.x)
		fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#eef2f7" stroke="#cbd5e1" stroke-dasharray="2 3"/>`+"\n",
			from, y+rowHead-2, to-from, bottom-y-rowHead+2)
		d.text(p.gapLabelX(i, it.x), y+rowHead-5, p.gapLabel(i), small, cInk, `text-anchor="middle"`)
	}
	// The time axis: a tick per slot, the time at both ends. The panel's
	// last row ends where its last event is; the others run on.
	end := plotR
	if r == len(p.rows)-1 {
		end = p.items[box.last].x + 8
	}
	d.line(plotL, bottom, end, bottom, "#cbd5e1", 1, "")
	for i := box.first; i <= box.last; i++ {
		d.line(p.items[i].x, bottom, p.items[i].x, bottom+3, "#94a3b8", 1, "")
	}
	// Times count from the panel's first event: a recording's first call.
	t0 := p.items[0].t
	d.text(plotL, bottom+13, "t = "+instant(p.items[box.first].t-t0), small, cFaint, "")
	d.text(end, bottom+13, "t = "+instant(p.items[box.last].t-t0), small, cFaint, `text-anchor="end"`)

	// Bands behind, lines over them, then bars, marks on top, and last the
	// stretches' labels, where they cover nothing drawn before.
	var labels []label
	for _, kind := range []stretchKind{sBand, sLine, sBar} {
		for _, s := range p.stretches {
			if s.kind == kind {
				if l, ok := d.stretch(p, r, box, y, s); ok {
					labels = append(labels, l)
				}
			}
		}
	}
	// The lines from accept down to the lane it opens go under the marks,
	// and the captions over everything, with a white edge that cuts the
	// lines they cross.
	for i := box.first; i <= box.last; i++ {
		d.connector(p, box, p.items[i], y)
	}
	for i := box.first; i <= box.last; i++ {
		d.item(p, box, p.items[i], y, bottom)
	}
	for i := box.first; i <= box.last; i++ {
		d.captions(box, p.items[i], y)
	}
	for _, l := range labels {
		d.place(l)
	}
}

// A label is a stretch's label waiting for its place: over or under the
// piece from x1 to x2 of a lane whose band runs from top to bottom.
type label struct {
	texts            []string // the first that has room wins
	x1, x2, top, bot float64
	colour           string
}

// stretch draws the part of s that lies in row r, and returns its label if
// it goes in this row.
func (d *drawer) stretch(p *panel, r int, box *rowBox, y float64, s stretch) (label, bool) {
	if r < p.items[s.from].row || r > p.items[s.to].row {
		return label{}, false
	}
	x1, x2 := p.piece(s, r)
	mid := y + box.mid[s.lane]
	switch {
	case s.kind == sBand:
		fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" rx="2" fill="%s"/>`+"\n", x1, mid-7, x2-x1, s.colour)
	case s.kind == sBar:
		// A solid bar in the call's colour. Its start has a cap (the
		// start's mark), its end the mark of the call's return.
		d.line(x1, mid, x2, mid, s.colour, 4, "")
	case s.width > 0:
		d.line(x1, mid, x2, mid, s.colour, s.width, s.extra)
	}
	// The label goes over the stretch's longest piece, which is the one in
	// this row if no other row holds more of it.
	if len(s.labels) == 0 || !longestPiece(p, s, r) {
		return label{}, false
	}
	top := y + box.top[s.lane]
	return label{s.labels, x1, x2, top, top + box.h[s.lane], s.colour}, true
}

// place writes l where it covers nothing: over its line, or else under it,
// within its lane's band, as near the middle of its piece as it can. It
// tries its texts in turn, first for one that fits within the piece, then
// for one that may reach past its ends; when none has room, the last,
// shortest one goes over the middle.
func (d *drawer) place(l label) {
	const extra = `text-anchor="middle" ` + halo
	c0 := (l.x1 + l.x2) / 2
	// The baselines that keep the text inside the band, a hair from its edges.
	over, under := l.top+0.8*small+0.4, l.bot-0.25*small-0.4
	for _, within := range []bool{true, false} {
		for _, s := range l.texts {
			w := textWidth(s, small)
			for _, y := range []float64{over, under} {
				for step := 0.0; step <= (l.x2-l.x1)/2; step += 3 {
					for _, c := range []float64{c0 - step, c0 + step} {
						// A little room around it, so that it touches nothing
						// (the estimate of its width may fall short in some fonts).
						b := textBox(c, y, s, small, extra)
						pad := 3 + 0.08*w
						b.x1, b.x2 = b.x1-pad, b.x2+pad
						if within && (b.x1 < l.x1 || b.x2 > l.x2) {
							continue
						}
						if c-w/2 >= plotL-8 && c+w/2 <= figW-margin && d.free(b) {
							d.label(l, c, y, s)
							return
						}
					}
				}
			}
		}
	}
	d.label(l, c0, over, l.texts[len(l.texts)-1])
}

// label writes s, one of l's texts, centred at x on baseline y.
func (d *drawer) label(l label, x, y float64, s string) {
	const extra = `text-anchor="middle" ` + halo
	b := textBox(x, y, s, small, extra)
	d.placed = append(d.placed, placed{s, b, box{plotL, l.top, figW - margin, l.bot}, l.x1 <= x && x <= l.x2})
	d.text(x, y, s, small, l.colour, extra)
}

// piece is where s runs in row r: from its first item, or the row's
// start, to its last item, or the row's end.
func (p *panel) piece(s stretch, r int) (x1, x2 float64) {
	a, b := p.items[s.from], p.items[s.to]
	x1, x2 = plotL, plotR
	if r == a.row {
		x1 = a.x
	}
	if r == b.row {
		x2 = b.x
	}
	return x1, x2
}

// longestPiece reports whether row r holds the longest piece of s.
func longestPiece(p *panel, s stretch, r int) bool {
	a, b := p.items[s.from], p.items[s.to]
	piece := func(row int) float64 {
		x1, x2 := p.piece(s, row)
		return x2 - x1
	}
	for row := a.row; row <= b.row; row++ {
		if piece(row) > piece(r) || piece(row) == piece(r) && row < r {
			return false
		}
	}
	return true
}

// callColour is the colour of a call's mark.
func callColour(c *Call) string {
	switch c.Name {
	case "accept4", "accept":
		return cAccept
	case "read", "recvfrom":
		return cRead
	case "write", "sendto":
		return cWrite
	case "epoll_ctl", "epoll_wait", "epoll_pwait":
		return cEpoll
	case "shutdown":
		return cShutdown
	case "close":
		return cClose
	case "setsockopt":
		return cOption
	}
	return cSetup
}

// eventColour is the colour of what epoll_wait reported.
func eventColour(e Ready) string {
	switch {
	case e.Has("HUP") || e.Has("ERR"):
		return cShutdown
	case e.Has("RDHUP"):
		return cOther
	case e.Has("IN"):
		return cRead
	case e.Has("OUT"):
		return cWrite
	}
	return cOther
}

// item draws one item's marks; y is the row's top, bottom its axis.
func (d *drawer) item(p *panel, rb *rowBox, it *item, y, bottom float64) {
	if it.signal != nil {
		d.line(it.x, y+rowHead-4, it.x, bottom, cSignal, 1.2, `stroke-dasharray="3 2"`)
		d.take(box{it.x - 1.5, y + rowHead - 4, it.x + 1.5, bottom})
		d.text(it.x+3, y+rowHead-6, it.signal.Name, small, cSignal, "")
		return
	}
	l := it.lanes[0]
	cx, cy := it.x, y+rb.mid[l]
	fmt.Fprintf(d.b, "<g><title>%s</title>", esc(it.title(d.lang, p.items[0].t)))
	switch {
	case it.client != nil:
		d.clientMark(it.client, cx, cy+15)
	case it.start:
		// The cap at the start of a call that blocks; its bar follows.
		d.line(cx, cy-6, cx, cy+6, callColour(it.op.Call), 2, "")
		d.take(box{cx - 2, cy - 5.5, cx + 2, cy + 5.5})
	default:
		d.callMark(p, rb, it, cx, cy, y)
	}
	d.b.WriteString("</g>\n")
}

// halo is a white edge around text, so that lines behind it stop short.
const halo = `stroke="white" stroke-width="3" paint-order="stroke"`

// captions writes the lines under (or over) an item's mark.
func (d *drawer) captions(rb *rowBox, it *item, y float64) {
	if len(it.caption) == 0 {
		return
	}
	cx, cy := it.x, y+rb.mid[it.lanes[0]]
	for k, line := range it.caption {
		fill, ly := cInk, cy+17+lineH*float64(k)
		if it.op != nil && k < len(it.op.Ready) {
			fill = eventColour(it.op.Ready[k])
		}
		if it.above {
			ly = cy - 7 // inside the lane's band, just clear of the mark
		}
		d.text(cx-5, ly, line, small, fill, halo)
	}
}

// connector draws the dotted line from an accept that returned a
// connection down to that connection's lane.
func (d *drawer) connector(p *panel, rb *rowBox, it *item, y float64) {
	if it.op == nil || it.start || it.op.Accepted == 0 {
		return
	}
	from, to := y+rb.mid[it.lanes[0]]+5, y+rb.mid[p.byLane[it.op.Accepted]]
	d.line(it.x, from, it.x, to, cAccept, 1, `stroke-dasharray="2 2"`)
	d.take(box{it.x - 1, from, it.x + 1, to})
}

// hollow returns the fill for a mark: white when the call failed (EAGAIN,
// or another error, which its caption names), its colour otherwise.
func hollow(c *Call, colour string) string {
	if c.OK() {
		return colour
	}
	return "white"
}

func (d *drawer) callMark(p *panel, rb *rowBox, it *item, x, y, rowTop float64) {
	c := it.op.Call
	colour := callColour(c)
	d.take(markBox(x, y))
	switch c.Name {
	case "accept4", "accept":
		fmt.Fprintf(d.b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s" stroke="%s" stroke-width="1.5"/>`, x, y, hollow(c, colour), colour)
	case "read", "recvfrom", "epoll_wait", "epoll_pwait":
		fmt.Fprintf(d.b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s" stroke="%s" stroke-width="1.5"/>`, x, y, hollow(c, colour), colour)
		for _, e := range it.op.Ready {
			if l := p.byLane[e.Lane]; l != nil && e.Lane != LaneEpoll {
				ty := rowTop + rb.mid[l] - 6
				fmt.Fprintf(d.b, `<path d="M%.1f %.1fh9l-4.5 6z" fill="%s"/>`, x-4.5, ty-6, eventColour(e))
				d.take(box{x - 5, ty - 6, x + 5, ty})
			}
		}
	case "write", "sendto":
		fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s" stroke="%s" stroke-width="1.5"/>`, x-4, y-4, hollow(c, colour), colour)
	case "epoll_ctl":
		fmt.Fprintf(d.b, `<path d="M%.1f %.1fl5 5-5 5-5-5z" fill="%s" stroke="%s" stroke-width="1.5"/>`, x, y-5, hollow(c, colour), colour)
	case "shutdown":
		fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="3.5" height="14" fill="%s"/>`, x-1.75, y-7, colour)
	case "close":
		fmt.Fprintf(d.b, `<path d="M%.1f %.1fl8 8m0-8l-8 8" stroke="%s" stroke-width="2"/>`, x-4, y-4, colour)
	case "setsockopt":
		d.optionMark(x, y)
		d.take(box{x - 7, y - 7, x + 7, y + 5.5})
	default:
		fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="7" height="7" fill="%s"/>`, x-3.5, y-3.5, colour)
	}
}

// optionMark is setsockopt's mark: a triangle, larger than the others and
// outlined, so that it stands out on the bands behind a connection.
func (d *drawer) optionMark(x, y float64) {
	fmt.Fprintf(d.b, `<path d="M%.1f %.1fl6.5 11h-13z" fill="%s" stroke="%s" stroke-width="1.2" stroke-linejoin="round"/>`, x, y-6.5, cOption, cOutline)
}

// markBox is what a call's mark at x, y covers.
func markBox(x, y float64) box { return box{x - 6, y - 5.5, x + 6, y + 5.5} }

// clientMark writes a client's event as a small grey letter on its lane's
// lower edge (in Chinese, a character): no shape that a call's mark uses.
// A failed step is a red "!", its caption says why.
func (d *drawer) clientMark(e *ClientEvent, x, y float64) {
	colour := cClient
	if e.Kind == ClientFail {
		colour = cShutdown
	}
	d.text(x, y, say(d.lang, "c-"+e.Kind), clientSize, colour, `text-anchor="middle" font-weight="bold"`)
}

// title is an item's tooltip: the call as strace wrote it, or the client's
// event; t0 is the time the axis starts from.
func (it *item) title(lang string, t0 int64) string {
	if e := it.client; e != nil {
		var s string
		switch e.Kind {
		case ClientConnect:
			s = say(lang, "tip-connect", e.Client, e.Port)
		case ClientSend:
			s = say(lang, "tip-send", e.Client, e.Bytes)
		case ClientAnswer:
			s = say(lang, "tip-answer", e.Client, e.Bytes)
		case ClientClose:
			s = say(lang, "tip-close", e.Client)
		default:
			s = say(lang, "tip-fail", e.Client, e.Err)
		}
		return fmt.Sprintf("t = %s: %s", instant(e.Time-t0), s)
	}
	c := it.op.Call
	s := fmt.Sprintf("t = %s: %s(%s)", instant(c.Start-t0), c.Name, strings.Join(c.Args, ", "))
	switch {
	case !c.Done:
		s += " = ? " + say(lang, "tip-exited")
	case c.Errno != "":
		s += fmt.Sprintf(" = %d %s", c.Ret, c.Errno)
	default:
		s += fmt.Sprintf(" = %d", c.Ret)
	}
	return s + " <" + duration(c.Dur) + ">"
}

// legend draws the key to the marks from y down and returns where it ends.
func (d *drawer) legend(y float64) float64 {
	type entry struct {
		key  string
		mark func(x, y float64)
	}
	circle := func(colour, fill string) func(x, y float64) {
		return func(x, y float64) {
			fmt.Fprintf(d.b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s" stroke="%s" stroke-width="1.5"/>`, x, y, fill, colour)
		}
	}
	swatch := func(colour string, width float64, dash string) func(x, y float64) {
		return func(x, y float64) { d.line(x-10, y, x+10, y, colour, width, dash) }
	}
	entries := []entry{
		{"l-accept", circle(cAccept, cAccept)},
		{"l-read", circle(cRead, cRead)},
		{"l-write", func(x, y float64) {
			fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="8" height="8" fill="%s"/>`, x-4, y-4, cWrite)
		}},
		{"l-eagain", circle(cRead, "white")},
		{"l-ctl", func(x, y float64) {
			fmt.Fprintf(d.b, `<path d="M%.1f %.1fl5 5-5 5-5-5z" fill="%s"/>`, x, y-5, cEpoll)
		}},
		{"l-shutdown", func(x, y float64) {
			fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="3.5" height="14" fill="%s"/>`, x-1.75, y-7, cShutdown)
		}},
		{"l-close", func(x, y float64) {
			fmt.Fprintf(d.b, `<path d="M%.1f %.1fl8 8m0-8l-8 8" stroke="%s" stroke-width="2"/>`, x-4, y-4, cClose)
		}},
		{"l-setopt", func(x, y float64) { d.optionMark(x, y+1) }},
		{"l-setup", func(x, y float64) {
			fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="7" height="7" fill="%s"/>`, x-3.5, y-3.5, cSetup)
		}},
		{"l-wait", circle(cEpoll, cEpoll)},
		{"l-reported", func(x, y float64) {
			for k, colour := range []string{cRead, cWrite, cShutdown} {
				fmt.Fprintf(d.b, `<path d="M%.1f %.1fh8l-4 6z" fill="%s"/>`, x-14+float64(k)*10, y-3, colour)
			}
		}},
		{"l-blocked", func(x, y float64) {
			// As a read that blocked: the cap, the bar, the return.
			d.line(x-14, y-6, x-14, y+6, cRead, 2, "")
			d.line(x-14, y, x+10, y, cRead, 4, "")
			circle(cRead, cRead)(x+10, y)
		}},
		{"l-open", func(x, y float64) {
			d.line(x-14, y, x-3, y, tOpen, 2.5, `stroke-linecap="round"`)
			d.line(x+3, y, x+14, y, tEpoll, 3, `stroke-linecap="round"`)
		}},
		{"l-interest", func(x, y float64) {
			for k, colour := range []string{tIn, tOut, tNone} {
				fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="8" height="14" rx="2" fill="%s"/>`, x-15+float64(k)*10, y-7, colour)
			}
			d.line(x-16, y, x+16, y, tOpen, 2.5, `stroke-linecap="round"`)
		}},
		{"l-queue", swatch(cClient, 1.2, `stroke-dasharray="4 3"`)},
		{"l-accepted", func(x, y float64) {
			circle(cAccept, cAccept)(x, y-4)
			d.line(x, y+1, x, y+10, cAccept, 1, `stroke-dasharray="2 2"`)
		}},
		{"l-eof", func(x, y float64) {
			circle(cRead, cRead)(x, y-4)
			d.text(x, y+8, "EOF", small, cInk, `text-anchor="middle"`)
		}},
		{"l-client", func(x, y float64) {
			for k, kind := range []string{ClientConnect, ClientSend, ClientAnswer, ClientClose} {
				d.clientMark(&ClientEvent{Kind: kind}, x-20+float64(k)*13.5, y+4)
			}
		}},
		{"l-gap", func(x, y float64) {
			fmt.Fprintf(d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" fill="#eef2f7" stroke="#cbd5e1" stroke-dasharray="2 3"/>`, x-gapBoxW/2, y-7, gapBoxW)
		}},
		{"l-signal", func(x, y float64) {
			d.line(x, y-8, x, y+8, cSignal, 1.2, `stroke-dasharray="3 2"`)
		}},
	}
	d.text(margin, y+12, say(d.lang, "legend"), normal, cInk, `font-weight="bold"`)
	y += 20
	x := margin
	const rowStep, apart = 20.0, 22.0
	for _, e := range entries {
		label := say(d.lang, e.key)
		markW := 40.0
		if e.key == "l-client" {
			markW = 52 // four letters
		}
		w := markW + textWidth(label, small)
		if x > margin && x+w > figW-margin {
			x, y = margin, y+rowStep
		}
		e.mark(x+markW/2-2, y+6)
		d.text(x+markW, y+9.5, label, small, cInk, "")
		x += w + apart
	}
	return y + rowStep + 4
}

// duration writes a length of time in µs the short way: 640 µs, 2.4 ms,
// 300 ms, 1.00 s.
func duration(us int64) string {
	switch {
	case us < 1000:
		return fmt.Sprintf("%d µs", us)
	case us < 10_000:
		return fmt.Sprintf("%.1f ms", float64(us)/1e3)
	case us < 1_000_000:
		return fmt.Sprintf("%.0f ms", float64(us)/1e3)
	}
	return fmt.Sprintf("%.2f s", float64(us)/1e6)
}

// instant writes a time since the trace began, in ms (or s past 1 s).
func instant(us int64) string {
	if us < 1_000_000 {
		return fmt.Sprintf("%.1f ms", float64(us)/1e3)
	}
	return fmt.Sprintf("%.3f s", float64(us)/1e6)
}

// wrap breaks s into lines no wider than width at font size: at spaces,
// or between any two Chinese characters.
func wrap(s string, size, width float64) []string {
	var lines []string
	for textWidth(s, size) > width {
		cut, w := 0, 0.0
		for i, r := range s {
			if w += textWidth(string(r), size); w > width {
				break
			}
			if r == ' ' || r >= 0x2e80 {
				cut = i
				if r >= 0x2e80 {
					cut = i + len(string(r))
				}
			}
		}
		if cut == 0 {
			break
		}
		lines = append(lines, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	return append(lines, s)
}

// esc escapes text for an SVG element or attribute.
func esc(s string) string { return escaper.Replace(s) }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
