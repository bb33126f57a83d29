//! CPU time per frame of the editor window with a large generated file open:
//! 5 000 rules and 50 000 group members (the editor issue's figure), and
//! under `--bench` also a file of about 10 MB.
//!
//! Each frame is what eframe does on the CPU before handing triangles to the
//! GPU: the app's drawing and egui's layout (`Context::run_ui`) plus
//! tessellation. Measured with the thread's CPU clock while scrolling a rule
//! list and the groups with the mouse wheel, and while idle.
//!
//! `cargo bench --bench frame` measures; under `cargo test` it runs a few
//! frames on a small file only, so it keeps compiling and working.

use std::hint::black_box;
use std::time::Duration;

use egui::epaint;
use egui::{Event, MouseWheelSource, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, vec2};
use privy::document::Document;
use privy::generate::{self, Shape};
use privy::spec::RuleKind;
use privy::ui::PrivyApp;
use privy::ui::sim::SimTab;

/// This thread's CPU time (on other systems than Unix, where the frame
/// bench is not measured, the time since the first call).
#[cfg(not(unix))]
fn thread_cpu() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

#[cfg(unix)]
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

struct Window {
    ctx: egui::Context,
    app: PrivyApp,
    screen: Rect,
    /// The text shown in the last frame, to check that scrolling moves.
    shown: String,
}

impl Window {
    /// The window opening `path` as `privy FILE` does.
    fn opening(path: std::path::PathBuf) -> Self {
        Window {
            ctx: egui::Context::default(),
            app: PrivyApp::opening(path),
            screen: Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0)),
            shown: String::new(),
        }
    }

    fn new(doc: Document) -> Self {
        Window {
            ctx: egui::Context::default(),
            app: PrivyApp::with_document(doc),
            screen: Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0)),
            shown: String::new(),
        }
    }

    /// One frame with `events`; its CPU time.
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        let input = RawInput {
            screen_rect: Some(self.screen),
            events,
            ..Default::default()
        };
        let start = thread_cpu();
        let mut out = self.ctx.run_ui(input, |ui| self.app.show(ui));
        // No GPU here: the font atlas updates have nowhere to go.
        out.textures_delta.clear();
        let out_shapes = out.shapes.clone();
        let triangles = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        let took = thread_cpu() - start;
        black_box(triangles);
        self.shown = text_of(&out_shapes);
        took
    }

    /// `frames` frames scrolling down with the wheel over the main area.
    fn scroll(&mut self, frames: usize) -> Vec<Duration> {
        self.scroll_at(Pos2::new(800.0, 400.0), frames)
    }

    /// Like [`scroll`](Self::scroll), with the pointer at `over`.
    fn scroll_at(&mut self, over: Pos2, frames: usize) -> Vec<Duration> {
        let before = self.shown.clone();
        let times = (0..frames)
            .map(|_| {
                self.frame(vec![
                    Event::PointerMoved(over),
                    Event::MouseWheel {
                        unit: MouseWheelUnit::Point,
                        delta: vec2(0.0, -300.0),
                        phase: TouchPhase::Move,
                        source: MouseWheelSource::Wheel,
                        modifiers: egui::Modifiers::NONE,
                    },
                ])
            })
            .collect();
        // A benchmark of a list that did not move would measure nothing.
        assert_ne!(before, self.shown, "scrolling did not change what is shown");
        times
    }
}

impl Window {
    /// Where the last frame showed exactly `text`, if it did.
    fn find(&self, text: &str, shapes: &[epaint::ClippedShape]) -> Option<Pos2> {
        let _ = self;
        shapes.iter().find_map(|s| match &s.shape {
            epaint::Shape::Text(t) if t.galley.text() == text => {
                Some(t.pos + t.galley.rect.center().to_vec2())
            }
            _ => None,
        })
    }

    /// Clicks the first field showing one of `values` and types `keys` characters into
    /// it, a key per frame as a person types; each keystroke's CPU time is
    /// its frame plus the next (edits made while drawing are applied after
    /// the frame, and the next frame shows their result).
    fn type_into(&mut self, values: &[String], keys: usize) -> Vec<Duration> {
        let input = RawInput {
            screen_rect: Some(self.screen),
            ..Default::default()
        };
        let out = self.ctx.run_ui(input, |ui| self.app.show(ui));
        let at = values
            .iter()
            .find_map(|v| self.find(v, &out.shapes))
            .unwrap_or_else(|| panic!("no USERS field in view: {}", text_of(&out.shapes)));
        let press = |pressed| Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        self.frame(vec![Event::PointerMoved(at), press(true)]);
        self.frame(vec![press(false)]);
        self.frame(Vec::new());
        let before = self.app.document().map(|d| d.text().len());
        let times = (0..keys)
            .map(|i| {
                let c = if i % 2 == 0 { "x" } else { "y" };
                self.frame(vec![Event::Text(c.into())]) + self.frame(Vec::new())
            })
            .collect();
        let after = self.app.document().map(|d| d.text().len());
        // A benchmark of keys that went nowhere would measure nothing.
        assert_eq!(
            after,
            before.map(|n| n + keys),
            "the typed keys did not reach the file"
        );
        times
    }
}

/// All the text in a frame's shapes.
fn text_of(shapes: &[epaint::ClippedShape]) -> String {
    let mut out = String::new();
    for s in shapes {
        if let epaint::Shape::Text(t) = &s.shape {
            out.push_str(t.galley.text());
            out.push('\n');
        }
    }
    out
}

fn report(what: &str, times: Vec<Duration>) {
    report_per(what, "frame", times);
}

/// Like [`report`], for timings of `unit` (a frame, or a key's frames).
fn report_per(what: &str, unit: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    let max = times[times.len() - 1];
    println!(
        "{what}: {} {unit}s, CPU per {unit} mean {mean:.2} ms, p95 {:.2} ms, max {:.2} ms",
        times.len(),
        ms(p95),
        ms(max)
    );
}

fn run(label: &str, shape: Shape, frames: usize) {
    let text = generate::config(shape);
    let doc = Document::from_text(text.clone());
    let rules: usize = doc.config().lists.iter().map(|l| l.rules.len()).sum();
    let (kind, longest) = doc
        .config()
        .lists
        .iter()
        .map(|l| (l.kind, l.rules.len()))
        .max_by_key(|l| l.1)
        .unwrap_or((RuleKind::DenyCheckouts, 0));
    println!(
        "{label}: {:.1} MB, {rules} rules ({longest} in {}), {} groups, {} members",
        text.len() as f64 / 1e6,
        kind.title(),
        shape.groups,
        shape.members
    );
    let mut w = Window::new(doc);
    w.app.go_to(&format!("/{}", kind.key()));
    // The first frames lay out fonts and measure the cards in view.
    for _ in 0..5 {
        w.frame(Vec::new());
    }
    report(
        "  idle, rule list",
        (0..frames / 4).map(|_| w.frame(Vec::new())).collect(),
    );
    report("  scrolling the rule list", w.scroll(frames));
    let users: Vec<String> = w.app.document().map_or_else(Vec::new, |d| {
        d.config()
            .rules(kind)
            .iter()
            .filter_map(|r| Some(r.users.as_deref()?.raw.to_string()))
            .collect()
    });
    report_per(
        "  typing in a rule's USERS (the key's frame and the next)",
        "key",
        w.type_into(&users, (frames / 10).max(4)),
    );
    w.app.go_to(&format!("/{}", privy::spec::GROUPS_KEY));
    for _ in 0..5 {
        w.frame(Vec::new());
    }
    report("  scrolling the groups", w.scroll(frames));

    // The simulator's matrix beside the groups: it is decided once the
    // engine is compiled (in the first frame for an everyday file; on a
    // worker for a large one, the window going on meanwhile); later frames
    // draw only the cells in view.
    w.app.act(privy::ui::WindowAction::SimTab(SimTab::Matrix));
    // Wall time: the matrix is split among threads, which the thread's CPU
    // clock would not see.
    let started = std::time::Instant::now();
    w.frame(Vec::new());
    let first = started.elapsed();
    let mut longest = first;
    let mut count = 1;
    while w.app.sim().busy() || w.app.sim().matrix().is_none() {
        let t = std::time::Instant::now();
        w.frame(Vec::new());
        longest = longest.max(t.elapsed());
        count += 1;
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    let shown = started.elapsed();
    let (rows, cols) = w
        .app
        .sim()
        .matrix()
        .map_or((0, 0), |m| (m.rows.len(), m.features.len()));
    assert!(rows > 0 && cols > 0, "the matrix was never shown");
    println!(
        "  opening the matrix ({rows} x {cols}, engine compiled): first frame {:.1} ms wall; \
         shown after {:.1} ms and {count} frames, the longest {:.1} ms",
        first.as_secs_f64() * 1e3,
        shown.as_secs_f64() * 1e3,
        longest.as_secs_f64() * 1e3
    );
    for _ in 0..5 {
        w.frame(Vec::new());
    }
    // A frame that decides the matrix again (borrow instead of checkout),
    // without the first frame's font and layout warm-up.
    let mut again: Vec<Duration> = [
        privy::engine::Action::Borrow,
        privy::engine::Action::Checkout,
    ]
    .iter()
    .cycle()
    .take(10)
    .map(|&a| {
        w.app.sim_mut().matrix_action = a;
        let started = std::time::Instant::now();
        w.frame(Vec::new());
        started.elapsed()
    })
    .collect();
    again.sort();
    println!(
        "  a frame that decides the matrix again: median {:.1} ms wall",
        again[again.len() / 2].as_secs_f64() * 1e3
    );
    report(
        "  scrolling the matrix",
        w.scroll_at(Pos2::new(1100.0, 500.0), frames),
    );

    // Quitting with unsaved edits (the typing above left some): wall time
    // from the request to the frame that shows the question, findings
    // over every principal included.
    assert!(
        w.app.document().is_some_and(|d| d.is_dirty()),
        "edits to ask about"
    );
    let started = std::time::Instant::now();
    w.app.request(privy::ui::AfterPrompt::Close);
    let mut frames_to_prompt = 0;
    loop {
        w.frame(Vec::new());
        frames_to_prompt += 1;
        if w.shown.contains("Save changes before closing?") || frames_to_prompt > 20 {
            break;
        }
    }
    assert!(
        w.shown.contains("Save changes before closing?"),
        "the question shows"
    );
    println!(
        "  the quit question: shown {:.1} ms (wall) after the request, in {frames_to_prompt} frame(s)",
        started.elapsed().as_secs_f64() * 1e3
    );
}

/// Opening a file of `shape` as `privy FILE` does: the first frame, the
/// rules shown, and Problems settled (the findings worked out), in wall
/// time with frames drawn every 10 ms meanwhile, and the longest of them.
fn opening(name: &str, shape: Shape) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ServerConfig.json");
    let text = generate::config(shape);
    std::fs::write(&path, &text).expect("write");
    println!("{name}: opening {:.1} MB", text.len() as f64 / 1e6);
    let started = std::time::Instant::now();
    let mut w = Window::opening(path);
    w.frame(Vec::new());
    let first = started.elapsed();
    let mut shown = None;
    let mut longest = Duration::ZERO;
    while !w.app.is_settled() && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(10));
        let t = std::time::Instant::now();
        w.frame(Vec::new());
        longest = longest.max(t.elapsed());
        if shown.is_none() && w.app.document().is_some() {
            shown = Some(started.elapsed());
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  first frame {:.1} ms wall; rules shown after {:.0} ms; Problems settled after {:.0} ms; longest frame meanwhile {:.1} ms",
        ms(first),
        shown.map_or(f64::NAN, ms),
        ms(started.elapsed()),
        ms(longest)
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        let small = Shape {
            rules: 200,
            groups: 50,
            members: 2_000,
            ..Shape::default()
        };
        run("frame-smoke", small, 20);
        return;
    }
    let editor = Shape {
        rules: 5_000,
        groups: 500,
        members: 50_000,
        ..Shape::default()
    };
    opening("5 000 rules, 50 000 members", editor);
    run("5 000 rules, 50 000 members", editor, 600);
    let ten_mb = Shape {
        rules: 20_000,
        groups: 2_000,
        members: 900_000,
        ..Shape::default()
    };
    run("about 10 MB", ten_mb, 600);
}
