//! The map of `docs/architecture.md`, held to the code.
//!
//! - Every top-level module of `src` is in the layer table, and every
//!   `crate::NAME` it uses names a module of a lower layer (the window, `ui`,
//!   is the top row; nothing imports it).
//! - Inside a module, the files import each other without cycles (a parent's
//!   `mod.rs` aside: it declares its files).
//! - No core file names egui or eframe.
//!
//! Read from the sources themselves, whole files, with comments and string
//! literals blanked and only `#[cfg(test)]` items left out (a test module may
//! use anything; the code after it is read like the rest).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file belongs to (`src/engine/matcher.rs` →
/// `engine`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    Some(first.trim_end_matches(".rs").to_string())
}

/// The text with comments removed and the insides of string and character
/// literals blanked, so that neither a word in a comment nor a brace in a
/// string counts as code. Lifetimes (`'a`) stay.
fn blank(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        let at = |k: usize| c.get(k).copied().unwrap_or('\0');
        match c[i] {
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            'r' if (at(i + 1) == '"'
                || (at(i + 1) == '#' && (at(i + 2) == '"' || at(i + 2) == '#')))
                && !at(i.wrapping_sub(1)).is_alphanumeric()
                && at(i.wrapping_sub(1)) != '_' =>
            {
                // A raw string: r"…", r#"…"#, as many hashes as it opens with.
                let mut j = i + 1;
                let mut hashes = 0;
                while at(j) == '#' {
                    hashes += 1;
                    j += 1;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if c[j] == '"' && (1..=hashes).all(|h| at(j + h) == '#') {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                let mut j = i + 1;
                while j < c.len() && c[j] != '"' {
                    if c[j] == '\\' {
                        j += 1;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j + 1;
            }
            '\'' => {
                // A character literal ('x', '\n', '\u{7f}', '{') or a lifetime.
                if at(i + 1) == '\\' {
                    let mut j = i + 2;
                    while j < c.len() && c[j] != '\'' {
                        j += 1;
                    }
                    out.push_str("' '");
                    i = j + 1;
                } else if at(i + 2) == '\'' {
                    out.push_str("' '");
                    i += 3;
                } else {
                    out.push('\'');
                    i += 1;
                }
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// The code without its `#[cfg(test)]` items: each attribute and the item
/// after it (up to its `;`, or through its braces) are left out, and reading
/// goes on after them.
fn without_tests(code: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        let item = &rest[i + MARK.len()..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (k, ch) in item.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// A file's code as the checks read it.
fn code(text: &str) -> String {
    without_tests(&blank(text))
}

/// The identifiers that follow `prefix` in `code`, with a brace group after
/// the prefix read as its list (`super::{a, b::c}` → `a`, `b`).
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = 0;
            for (k, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(ident(&group[start..k]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(&group[start..k]));
                        start = k + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// Which top-level modules each module uses (`crate::NAME`), and the code of
/// every file by path.
fn graph() -> (
    BTreeMap<String, BTreeSet<String>>,
    BTreeMap<PathBuf, String>,
) {
    let src = src();
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for f in files {
        let Some(m) = module_of(&src, &f) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let code = code(&text);
        let uses = g.entry(m.clone()).or_default();
        for name in names_after(&code, "crate::") {
            if name != m {
                uses.insert(name);
            }
        }
        codes.insert(f, code);
    }
    (g, codes)
}

/// A cycle through `start`, if there is one.
fn cycle_from(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in g.get(&at).into_iter().flatten() {
            if next == start {
                let mut p = path.clone();
                p.push(next.clone());
                return Some(p);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

/// The layer table of `docs/architecture.md`: each row's first cell is its
/// layer (a number, or `window` for the top), its second the modules in
/// backticks.
fn layers(doc: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let mut in_table = false;
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            in_table = false;
            continue;
        }
        if cells[1] == "layer" {
            in_table = true;
            continue;
        }
        if !in_table || cells[1].starts_with("--") {
            continue;
        }
        let layer = match cells[1] {
            "window" => u32::MAX,
            n => n
                .parse()
                .unwrap_or_else(|_| panic!("a layer that is not a number: {line}")),
        };
        for (k, part) in cells[2].split('`').enumerate() {
            if k % 2 == 1 {
                out.insert(part.to_string(), layer);
            }
        }
    }
    out
}

/// Each import that goes sideways or up the table, worded.
fn upward(g: &BTreeMap<String, BTreeSet<String>>, layer: &BTreeMap<String, u32>) -> Vec<String> {
    let mut bad = Vec::new();
    for (m, uses) in g {
        let Some(&own) = layer.get(m) else {
            continue;
        };
        for u in uses {
            match layer.get(u) {
                Some(&l) if l < own => {}
                Some(&l) => bad.push(format!("{m} (layer {own}) uses {u} (layer {l})")),
                None => bad.push(format!("{m} uses {u}, which the table does not place")),
            }
        }
    }
    bad
}

#[test]
fn every_import_goes_down_the_layer_table() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .expect("docs/architecture.md");
    let layer = layers(&doc);
    let (g, _) = graph();
    assert!(g.contains_key("engine") && g.contains_key("ui"), "{g:?}");
    assert!(
        g["ui"].contains("engine"),
        "the window's imports are read: {:?}",
        g["ui"]
    );
    let unplaced: Vec<&String> = g
        .keys()
        .filter(|m| !layer.contains_key(*m) && !matches!(m.as_str(), "lib" | "main"))
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules the layer table of docs/architecture.md does not place: {unplaced:?}"
    );
    let bad = upward(&g, &layer);
    assert!(
        bad.is_empty(),
        "imports that do not go down the layer table of docs/architecture.md:\n{}",
        bad.join("\n")
    );
    let cycles: Vec<String> = g
        .keys()
        .filter_map(|m| cycle_from(&g, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_files_of_a_module_import_each_other_without_cycles() {
    let src = src();
    let (_, codes) = graph();
    // Files by folder: an edge from a file to a sibling it names through
    // `super::` or its full path.
    let mut by_dir: BTreeMap<PathBuf, Vec<&PathBuf>> = BTreeMap::new();
    for f in codes.keys() {
        if let Some(dir) = f.parent() {
            by_dir.entry(dir.to_path_buf()).or_default().push(f);
        }
    }
    let mut cycles = Vec::new();
    let mut edges = 0;
    for (dir, files) in by_dir {
        if dir == src {
            continue;
        }
        let stems: BTreeSet<String> = files
            .iter()
            .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .filter(|s| s != "mod")
            .collect();
        let rel = dir.strip_prefix(&src).unwrap_or(&dir);
        let full = format!(
            "crate::{}::",
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("::")
        );
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if stem == "mod" {
                continue;
            }
            let code = &codes[f];
            let named: BTreeSet<String> = names_after(code, "super::")
                .into_iter()
                .chain(names_after(code, &full))
                .filter(|n| stems.contains(n) && *n != stem)
                .collect();
            edges += named.len();
            g.insert(stem, named);
        }
        for m in g.keys() {
            if let Some(c) = cycle_from(&g, m) {
                cycles.push(format!("{}: {}", rel.display(), c.join(" → ")));
            }
        }
    }
    assert!(edges > 10, "the files' imports are read ({edges} edges)");
    assert!(
        cycles.is_empty(),
        "files of a module that import each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_core_never_names_egui() {
    let src = src();
    let (_, codes) = graph();
    let named: Vec<String> = codes
        .iter()
        .filter(|(f, _)| module_of(&src, f).is_some_and(|m| m != "ui"))
        .filter(|(_, code)| code.contains("egui") || code.contains("eframe"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(named.is_empty(), "core files that name egui: {named:?}");
}

#[test]
fn the_checks_can_fail() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        cycle_from(&g, "a"),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    // Comments, strings and test items do not count; code after a test
    // module does.
    let text = "use x;\n// crate::engine\nconst S: &str = \"crate::ui {\";\nconst C: char = '{';\n\
                #[cfg(test)]\nmod tests { fn f() { use crate::ui; } }\nuse crate::words::{a, b};\n\
                fn g<'a>(s: &'a str) { let _ = r#\"crate::sim\"#; crate::pool::x(); }";
    let code = code(text);
    assert_eq!(
        names_after(&code, "crate::"),
        BTreeSet::from(["words".to_string(), "pool".to_string()])
    );
    assert_eq!(
        names_after("use super::{scan::{a, b}, Node};", "super::"),
        BTreeSet::from(["scan".to_string(), "Node".to_string()])
    );
    // The table: an import sideways or up is reported.
    let table = "| layer | modules | holds |\n|---|---|---|\n| 0 | `a` | x |\n| 1 | `b`, `c` | y |\n| window | `ui` | z |\n";
    let layer = layers(table);
    assert_eq!(layer.get("c"), Some(&1));
    let mut g = BTreeMap::new();
    g.insert(
        "b".to_string(),
        BTreeSet::from(["a".to_string(), "c".to_string()]),
    );
    g.insert("ui".to_string(), BTreeSet::from(["b".to_string()]));
    assert_eq!(
        upward(&g, &layer),
        vec!["b (layer 1) uses c (layer 1)".to_string()]
    );
}
