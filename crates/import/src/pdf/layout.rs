//! One page's glyphs and rules → rows of cells, as a table extraction shows them.
//!
//! Where ruling lines cross they make tables: the distinct x of the vertical rules are the
//! columns, the distinct y of the horizontal ones the rows, and a box left open by a missing
//! rule between two slots is one merged cell. A merged cell's text appears once, in the row of
//! its top edge and the column of its left edge. Glyphs go to the cell whose box holds their
//! middle (CJK and Latin runs of one line sit on different baselines, so equal baselines would
//! not do). Text outside every table (the title, the year line) becomes rows by line, split into
//! cells at gaps wider than an em; without any table on the page, columns come from where those
//! cells start.

use crate::cells::{Cell, Row};

use super::device::{Drawing, Glyph, Rule};

/// Rules closer than this (points) are one rule; a rule covers a point within this of its end.
const NEAR: f64 = 1.5;
/// A page's grid has at most this many slots, and its rules at most this many crossings to try:
/// a hostile page of hairlines is read as text, not in quadratic time.
const MAX_SLOTS: usize = 100_000;
const MAX_CROSSINGS: usize = 4_000_000;

/// A row of the page before it is numbered: its top edge and its cells.
struct PageRow {
    top: f64,
    cells: Vec<(usize, String)>,
}

/// The page as rows, top to bottom; `line` is the row's number on the page.
pub(super) fn rows(drawing: &Drawing) -> Vec<Row<'static>> {
    let horizontal = merge(&drawing.horizontal);
    let vertical = merge(&drawing.vertical);
    let tables = tables(&horizontal, &vertical);
    // Each glyph's table and cell: first those inside a table, then those below a table's
    // open bottom (see `Table::cell_at`), so that no table takes another's text.
    let mut owners: Vec<Option<(usize, usize)>> = vec![None; drawing.glyphs.len()];
    for below in [false, true] {
        for (index, table) in tables.iter().enumerate() {
            for (glyph, owner) in drawing.glyphs.iter().zip(owners.iter_mut()) {
                if owner.is_none() {
                    *owner = table
                        .cell_at(glyph.center(), below)
                        .map(|cell| (index, cell));
                }
            }
        }
    }
    let mut page_rows = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        let glyphs = drawing
            .glyphs
            .iter()
            .zip(&owners)
            .filter_map(|(glyph, owner)| match owner {
                Some((table, cell)) if *table == index => Some((glyph, *cell)),
                _ => None,
            });
        page_rows.extend(table.rows(glyphs));
    }
    let outside: Vec<&Glyph> = drawing
        .glyphs
        .iter()
        .zip(&owners)
        .filter(|(glyph, owner)| {
            // Text off the page is not printed.
            let (_, y) = glyph.center();
            owner.is_none() && (0.0..=drawing.height).contains(&y)
        })
        .map(|(glyph, _)| glyph)
        .collect();
    page_rows.extend(text_rows(&outside, tables.is_empty()));
    page_rows.sort_by(|a, b| a.top.total_cmp(&b.top));
    page_rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let cells = row
                .cells
                .into_iter()
                .map(|(column, text)| Cell::new(column, text))
                .collect();
            Row::new(index + 1, cells)
        })
        .collect()
}

/// Rules at (nearly) the same place that overlap or touch, as one rule each: borders are often
/// drawn cell by cell, and some twice.
fn merge(rules: &[Rule]) -> Vec<Rule> {
    let mut rules = rules.to_vec();
    rules.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut merged = Vec::new();
    let mut start = 0;
    while start < rules.len() {
        let first = rules.get(start).map_or(0.0, |rule| rule.at);
        let end = start
            + rules
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|rule| rule.at - first <= NEAR)
                .count();
        let mut group = rules.get(start..end).unwrap_or_default().to_vec();
        let at = group.iter().map(|rule| rule.at).sum::<f64>() / group.len().max(1) as f64;
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Rule> = None;
        for rule in group {
            match &mut current {
                Some(open) if rule.from <= open.to + NEAR => open.to = open.to.max(rule.to),
                _ => {
                    merged.extend(current.take());
                    current = Some(Rule { at, ..rule });
                }
            }
        }
        merged.extend(current);
        start = end.max(start + 1);
    }
    merged.retain(|rule| rule.to - rule.from >= 2.0);
    merged
}

/// One ruled table: its column and row edges, and which slots are one cell.
struct Table {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// For each slot (row-major), the slot that stands for its cell.
    cell_of: Vec<usize>,
    /// For each column, whether the table's last rule leaves it open (a cell cut by the page).
    open_bottom: Vec<bool>,
}

/// The tables the rules make: groups of rules that cross one another, with at least two rules
/// each way.
fn tables(horizontal: &[Rule], vertical: &[Rule]) -> Vec<Table> {
    if horizontal.len().saturating_mul(vertical.len()) > MAX_CROSSINGS {
        return Vec::new();
    }
    let mut sets = Sets::new(horizontal.len() + vertical.len());
    for (h, hr) in horizontal.iter().enumerate() {
        for (v, vr) in vertical.iter().enumerate() {
            let crosses = vr.at >= hr.from - NEAR
                && vr.at <= hr.to + NEAR
                && hr.at >= vr.from - NEAR
                && hr.at <= vr.to + NEAR;
            if crosses {
                sets.join(h, horizontal.len() + v);
            }
        }
    }
    // The rules of each group, by the group's root (an index of a rule).
    let mut group_of_root: Vec<Option<usize>> = vec![None; horizontal.len() + vertical.len()];
    let mut groups: Vec<(Vec<Rule>, Vec<Rule>)> = Vec::new();
    for (index, rule) in horizontal.iter().chain(vertical).enumerate() {
        let root = sets.find(index);
        let Some(entry) = group_of_root.get_mut(root) else {
            continue;
        };
        let group = *entry.get_or_insert_with(|| {
            groups.push((Vec::new(), Vec::new()));
            groups.len() - 1
        });
        if let Some((h, v)) = groups.get_mut(group) {
            if index < horizontal.len() {
                h.push(*rule);
            } else {
                v.push(*rule);
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|(h, v)| Table::new(&h, &v))
        .collect()
}

impl Table {
    fn new(horizontal: &[Rule], vertical: &[Rule]) -> Option<Table> {
        let xs = edges(vertical);
        let ys = edges(horizontal);
        let (columns, rows) = (xs.len().checked_sub(1)?, ys.len().checked_sub(1)?);
        if columns == 0 || rows == 0 || columns.saturating_mul(rows) > MAX_SLOTS {
            return None;
        }
        // The rules along each column edge and each row edge.
        let along = |rules: &[Rule], edges: &[f64]| {
            let mut by_edge = vec![Vec::new(); edges.len()];
            for rule in rules {
                if let Some(list) = nearest(edges, rule.at).and_then(|k| by_edge.get_mut(k)) {
                    list.push((rule.from, rule.to));
                }
            }
            by_edge
        };
        let v_at = along(vertical, &xs);
        let h_at = along(horizontal, &ys);
        let covers = |spans: Option<&Vec<(f64, f64)>>, from: f64, to: f64| {
            let middle = (from + to) / 2.0;
            spans.is_some_and(|spans| {
                spans
                    .iter()
                    .any(|(start, end)| *start - NEAR <= middle && middle <= *end + NEAR)
            })
        };
        let mut sets = Sets::new(columns * rows);
        for i in 0..rows {
            let (top, bottom) = (at(&ys, i), at(&ys, i + 1));
            for j in 0..columns {
                let (left, right) = (at(&xs, j), at(&xs, j + 1));
                if j + 1 < columns && !covers(v_at.get(j + 1), top, bottom) {
                    sets.join(i * columns + j, i * columns + j + 1);
                }
                if i + 1 < rows && !covers(h_at.get(i + 1), left, right) {
                    sets.join(i * columns + j, (i + 1) * columns + j);
                }
            }
        }
        let cell_of = (0..columns * rows).map(|slot| sets.find(slot)).collect();
        let open_bottom = (0..columns)
            .map(|j| !covers(h_at.get(rows), at(&xs, j), at(&xs, j + 1)))
            .collect();
        Some(Table {
            xs,
            ys,
            cell_of,
            open_bottom,
        })
    }

    fn columns(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }

    /// The cell (its standing slot) holding a point inside the table; with `below`, the cell
    /// of a point below the table in a column whose last cell has no bottom rule instead:
    /// LibreOffice centres a merged cell's text over the whole cell, even the part a page break
    /// cut off, which puts it below the table or off the page.
    fn cell_at(&self, (x, y): (f64, f64), below: bool) -> Option<usize> {
        let last = self.ys.last().copied().unwrap_or(0.0);
        let column = self.xs.partition_point(|edge| *edge <= x).checked_sub(1)?;
        let y = match below {
            false => y,
            true if y >= last && self.open_bottom.get(column).copied().unwrap_or(false) => {
                last - NEAR
            }
            true => return None,
        };
        let row = self.ys.partition_point(|edge| *edge <= y).checked_sub(1)?;
        if column >= self.columns() || row + 1 >= self.ys.len() {
            return None;
        }
        self.cell_of.get(row * self.columns() + column).copied()
    }

    /// The table's rows, given its glyphs and their cells.
    fn rows<'g>(&self, glyphs: impl Iterator<Item = (&'g Glyph, usize)>) -> Vec<PageRow> {
        let columns = self.columns();
        // For each cell (by its standing slot): its glyphs.
        let mut cell_glyphs: Vec<Vec<&Glyph>> = vec![Vec::new(); self.cell_of.len()];
        for (glyph, cell) in glyphs {
            if let Some(list) = cell_glyphs.get_mut(cell) {
                list.push(glyph);
            }
        }
        // Each cell's box: its first and last slot rows and columns.
        let mut boxes: Vec<Option<[usize; 4]>> = vec![None; self.cell_of.len()];
        for (slot, cell) in self.cell_of.iter().enumerate() {
            let (row, column) = (slot / columns, slot % columns);
            if let Some(entry) = boxes.get_mut(*cell) {
                let found = entry.get_or_insert([row, column, row, column]);
                found[0] = found[0].min(row);
                found[1] = found[1].min(column);
                found[2] = found[2].max(row);
                found[3] = found[3].max(column);
            }
        }
        let mut by_row: Vec<Vec<(usize, String)>> = vec![Vec::new(); self.ys.len()];
        for (cell, glyphs) in cell_glyphs.into_iter().enumerate() {
            let Some(Some([top, left, _, right])) = boxes.get(cell).copied() else {
                continue;
            };
            if glyphs.is_empty() {
                continue;
            }
            let text = cell_text(glyphs, at(&self.xs, left), at(&self.xs, right + 1));
            if let Some(row) = by_row.get_mut(top) {
                row.push((left, text));
            }
        }
        by_row
            .into_iter()
            .enumerate()
            .filter(|(_, cells)| !cells.is_empty())
            .map(|(row, mut cells)| {
                cells.sort_by_key(|(column, _)| *column);
                PageRow {
                    top: at(&self.ys, row),
                    cells,
                }
            })
            .collect()
    }
}

fn at(edges: &[f64], index: usize) -> f64 {
    edges.get(index).copied().unwrap_or(0.0)
}

/// The distinct positions of rules, nearly equal ones as one.
fn edges(rules: &[Rule]) -> Vec<f64> {
    let mut positions: Vec<f64> = rules.iter().map(|rule| rule.at).collect();
    positions.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = Vec::new();
    for position in positions {
        match edges.last() {
            Some(last) if position - last <= 2.0 * NEAR => {}
            _ => edges.push(position),
        }
    }
    edges
}

/// The index of the edge nearest to `position`, in sorted `edges`.
fn nearest(edges: &[f64], position: f64) -> Option<usize> {
    let after = edges.partition_point(|edge| *edge < position);
    let distance = |index: usize| edges.get(index).map(|edge| (edge - position).abs());
    match (after.checked_sub(1), distance(after)) {
        (Some(before), Some(next)) if distance(before).is_some_and(|d| d <= next) => Some(before),
        (_, Some(_)) => Some(after),
        (before, None) => before,
    }
}

/// Disjoint sets (union–find) over 0..n.
struct Sets(Vec<usize>);

impl Sets {
    fn new(n: usize) -> Sets {
        Sets((0..n).collect())
    }

    fn find(&mut self, mut item: usize) -> usize {
        while let Some(&parent) = self.0.get(item) {
            if parent == item {
                break;
            }
            // Path halving.
            let grandparent = self.0.get(parent).copied().unwrap_or(parent);
            if let Some(slot) = self.0.get_mut(item) {
                *slot = grandparent;
            }
            item = parent;
        }
        item
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The smaller index stands for the set: a cell's first slot is its top-left one.
        let (keep, drop) = (a.min(b), a.max(b));
        if let Some(slot) = self.0.get_mut(drop) {
            *slot = keep;
        }
    }
}

/// One line of text: its glyphs left to right.
struct Line<'g> {
    glyphs: Vec<&'g Glyph>,
}

impl Line<'_> {
    fn x0(&self) -> f64 {
        self.glyphs.first().map_or(0.0, |glyph| glyph.x0)
    }

    fn x1(&self) -> f64 {
        self.glyphs.last().map_or(0.0, |glyph| glyph.x1)
    }

    fn top(&self) -> f64 {
        self.glyphs
            .iter()
            .map(|glyph| glyph.y - 0.85 * glyph.size)
            .fold(f64::INFINITY, f64::min)
    }

    fn size(&self) -> f64 {
        self.glyphs
            .iter()
            .map(|glyph| glyph.size)
            .fold(0.0, f64::max)
    }

    /// The glyphs as text; a gap wider than a sixth of an em is a space.
    fn text(glyphs: &[&Glyph]) -> String {
        let mut text = String::new();
        let mut previous: Option<&Glyph> = None;
        for glyph in glyphs {
            if let Some(previous) = previous
                && glyph.x0 - previous.x1 > glyph.size.max(previous.size) / 6.0
            {
                text.push(' ');
            }
            text.push_str(&glyph.text);
            previous = Some(glyph);
        }
        text
    }
}

/// Glyphs grouped into lines (by the middles of their boxes), top to bottom, each left to right.
fn lines<'g>(mut glyphs: Vec<&'g Glyph>) -> Vec<Line<'g>> {
    glyphs.sort_by(|a, b| a.center().1.total_cmp(&b.center().1));
    let mut lines: Vec<(f64, Line<'g>)> = Vec::new();
    for glyph in glyphs {
        let middle = glyph.center().1;
        match lines.last_mut() {
            Some((first, line)) if middle - *first <= 0.45 * glyph.size => line.glyphs.push(glyph),
            _ => lines.push((
                middle,
                Line {
                    glyphs: vec![glyph],
                },
            )),
        }
    }
    lines
        .into_iter()
        .map(|(_, mut line)| {
            line.glyphs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            line
        })
        .collect()
}

/// The text of a cell from `left` to `right`: its lines joined as the text layout joins them.
/// A new paragraph (a first-line indent, a line that ends where the next line's first word
/// would have fitted, or a list item after a full stop) is a line break, which the goals read as a paragraph and every other
/// cell as a space; other lines are joined directly, with a space only between two ASCII
/// letters or digits (`city` + `walk`), unless both are digits (`100.0` + `0`).
fn cell_text(glyphs: Vec<&Glyph>, left: f64, right: f64) -> String {
    let lines = lines(glyphs);
    let margin = lines.iter().map(Line::x0).fold(f64::INFINITY, f64::min);
    let mut text = String::new();
    let mut previous: Option<&Line> = None;
    for line in &lines {
        let line_text = Line::text(&line.glyphs);
        if let Some(previous) = previous {
            let em = line.size().max(previous.size());
            // Only in left-aligned text do indents and short lines mean anything.
            let left_aligned = margin - left < 2.0 * em;
            let indented = line.x0() - margin > 1.5 * em;
            // The room left at the end of the line before (less the cell's padding): a
            // wrapped line ends where the next line's first unbreakable piece did not fit.
            let room = right - (margin - left).max(0.0) - previous.x1();
            // LibreOffice keeps Chinese words whole, so only after a full stop, or with a lot
            // of room, is that a paragraph's end.
            let piece = first_piece_width(&line.glyphs);
            let fitted = (ends_sentence(&text) && room + 0.05 * em >= piece) || room > 8.0 * em;
            let listed = ends_sentence(&text) && starts_paragraph(&line_text);
            // A number is only broken where a narrow column cut it (`100.0` + `0`, the rest
            // right-aligned on the next line): joined directly, not a paragraph or a space.
            let cut_number = text.ends_with(|ch: char| ch.is_ascii_digit() || ch == '.')
                && !line_text.is_empty()
                && line_text
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '%'));
            if cut_number {
                // Nothing between the pieces.
            } else if left_aligned && (indented || fitted || listed) {
                text.push('\n');
            } else if text.ends_with(|ch: char| ch.is_ascii_alphanumeric())
                && line_text.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            {
                text.push(' ');
            }
        }
        text.push_str(&line_text);
        previous = Some(line);
    }
    text
}

/// The width of a line's first piece that a line break cannot split: a CJK character with the
/// punctuation that may not be parted from it (no line starts with `、` or `”`, none ends with
/// `“` or `（`), or a run of Latin letters and digits.
fn first_piece_width(glyphs: &[&Glyph]) -> f64 {
    const OPENING: &str = "“‘（(《「『【[〔";
    const CLOSING: &str = "”’）)》」』】]〕、，。；：！？,.;:!?%";
    let joined = |a: &Glyph, b: &Glyph| {
        let (Some(last), Some(next)) = (a.text.chars().last(), b.text.chars().next()) else {
            return false;
        };
        let latin =
            |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '.' | ',' | '%' | '-' | '/');
        OPENING.contains(last)
            || CLOSING.contains(next)
            || (latin(last) && latin(next) && b.x0 - a.x1 < a.size / 6.0)
    };
    let Some(first) = glyphs.first() else {
        return 0.0;
    };
    let mut end = first.x1;
    for pair in glyphs.windows(2) {
        if let [a, b] = pair
            && joined(a, b)
        {
            end = b.x1;
        } else {
            break;
        }
    }
    end - first.x0
}

/// Whether a text ends a sentence or a clause that may end a paragraph.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['。', '；', ';', '：', ':', '！', '!', '？', '?', '”'])
}

/// Whether a line starts with a list marker that opens a paragraph: `一、`, `(一)`, `（二）`,
/// `三季度:`, `第四季度：`. Inline, the forms write `；第二季度,` and `。一季度完成`, so a
/// quarter counts only with a colon.
fn starts_paragraph(text: &str) -> bool {
    const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    fn numbered(rest: &str) -> Option<&str> {
        let digits = rest.trim_start_matches(NUMERALS);
        (digits.len() < rest.len()).then_some(digits)
    }
    if numbered(text).is_some_and(|rest| rest.starts_with('、')) {
        return true;
    }
    if let Some(rest) = text.strip_prefix(['(', '（'])
        && numbered(rest).is_some_and(|rest| rest.starts_with([')', '）']))
    {
        return true;
    }
    let quarter = text.strip_prefix('第').unwrap_or(text);
    numbered(quarter).is_some_and(|rest| {
        rest.strip_prefix("季度")
            .is_some_and(|rest| rest.starts_with([':', '：']))
    })
}

/// Text outside tables as rows, one per line, split into cells at gaps wider than an em. Page
/// furniture (`第 1 页 共 3 页`, `- 2 -`) is dropped. With `align`, cells get columns from where
/// they start across the page; else they are numbered left to right.
fn text_rows(glyphs: &[&Glyph], align: bool) -> Vec<PageRow> {
    let mut rows = Vec::new();
    for line in lines(glyphs.to_vec()) {
        let mut cells: Vec<(f64, Vec<&Glyph>)> = Vec::new();
        for glyph in &line.glyphs {
            match cells.last_mut() {
                Some((_, cell))
                    if cell
                        .last()
                        .is_some_and(|last| glyph.x0 - last.x1 <= glyph.size.max(last.size)) =>
                {
                    cell.push(glyph)
                }
                _ => cells.push((glyph.x0, vec![glyph])),
            }
        }
        let cells: Vec<(f64, String)> = cells
            .into_iter()
            .map(|(x, glyphs)| (x, Line::text(&glyphs)))
            .collect();
        if cells.iter().any(|(_, text)| super::is_page_number(text)) {
            continue;
        }
        rows.push((line.top(), line.size(), cells));
    }
    let starts: Vec<f64> = if align {
        let size = rows.iter().map(|(_, size, _)| *size).fold(0.0, f64::max);
        let mut starts: Vec<f64> = rows
            .iter()
            .flat_map(|(_, _, cells)| cells.iter().map(|(x, _)| *x))
            .collect();
        starts.sort_by(f64::total_cmp);
        let mut columns: Vec<f64> = Vec::new();
        for x in starts {
            match columns.last() {
                Some(last) if x - last <= size => {}
                _ => columns.push(x),
            }
        }
        columns
    } else {
        Vec::new()
    };
    rows.into_iter()
        .map(|(top, _, cells)| {
            let cells = cells
                .into_iter()
                .enumerate()
                .map(|(index, (x, text))| {
                    let column = if align {
                        starts
                            .partition_point(|start| *start <= x)
                            .saturating_sub(1)
                    } else {
                        index
                    };
                    (column, text)
                })
                .collect();
            PageRow { top, cells }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(at: f64, from: f64, to: f64) -> Rule {
        Rule { at, from, to }
    }

    #[test]
    fn borders_drawn_cell_by_cell_and_twice_are_one_rule() {
        let rules = [
            rule(100.0, 0.0, 50.0),
            rule(100.4, 50.0, 120.0),
            rule(100.0, 10.0, 20.0),
            rule(100.2, 200.0, 250.0),
            rule(300.0, 0.0, 1.0),
        ];
        assert_eq!(
            merge(&rules),
            [rule(100.15, 0.0, 120.0), rule(100.15, 200.0, 250.0)]
        );
    }

    #[test]
    fn the_nearest_edge_is_found_by_halving() {
        let edges = [10.0, 20.0, 40.0];
        let found: Vec<Option<usize>> = [0.0, 14.0, 16.0, 20.0, 31.0, 99.0]
            .into_iter()
            .map(|position| nearest(&edges, position))
            .collect();
        assert_eq!(
            found,
            [Some(0), Some(0), Some(1), Some(1), Some(2), Some(2)]
        );
        assert_eq!(nearest(&[], 5.0), None);
    }

    #[test]
    fn list_markers_start_paragraphs() {
        for start in [
            "一、切实",
            "(一)积极",
            "（二）有力",
            "四季度:做好",
            "第一季度：确定",
        ] {
            assert!(starts_paragraph(start), "{start}");
        }
        for inline in ["一季度完成", "第二季度,完成", "3、11月", "一级指标"] {
            assert!(!starts_paragraph(inline), "{inline}");
        }
    }
}
