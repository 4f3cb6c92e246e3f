//! What a page draws that a table extraction needs: each glyph with its text and place, and the
//! ruling lines. hayro-interpret runs the content stream (fonts, CMaps, encodings, the graphics
//! state) and calls this device once per glyph and once per path; everything else (colours,
//! clips, images) is of no use here and ignored, except that images are counted, so that a
//! scanned page without text can say so.

use hayro_interpret::font::Glyph as PdfGlyph;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::{
    BlendMode, ClipPath, Device, GlyphDrawMode, Image, Paint, PathDrawMode, SoftMask,
};
use kurbo::{Affine, BezPath, PathEl, Point};

/// A rule thinner than this (points) drawn as a filled rectangle is a line: LibreOffice and
/// Word draw some borders that way.
const THIN: f64 = 2.5;

/// One glyph, in y-down points from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Glyph {
    pub text: String,
    /// Where the pen starts (the origin on the baseline) and where it ends.
    pub x0: f64,
    pub x1: f64,
    /// The baseline.
    pub y: f64,
    pub size: f64,
}

impl Glyph {
    /// The middle of the glyph's box, which decides the cell it belongs to: baselines of CJK
    /// and Latin runs differ, the boxes' middles hardly.
    pub(super) fn center(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, self.y - 0.35 * self.size)
    }
}

/// A horizontal or vertical ruling line: at `at` (y or x), from `from` to `to` along it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    pub at: f64,
    pub from: f64,
    pub to: f64,
}

/// What one page drew.
#[derive(Debug, Default)]
pub(super) struct Drawing {
    pub glyphs: Vec<Glyph>,
    pub horizontal: Vec<Rule>,
    pub vertical: Vec<Rule>,
    /// Glyphs that have no Unicode (no ToUnicode map, an unknown encoding).
    pub unmapped: usize,
    pub images: usize,
    /// The page's height in points.
    pub height: f64,
    /// Whether the page drew more glyphs or rules than are kept (see `MAX_GLYPHS`).
    pub truncated: bool,
}

/// The most glyphs kept of one page: a form page has a few thousand, and a hostile page that
/// draws one form object inside another must not exhaust memory.
pub(super) const MAX_GLYPHS: usize = 200_000;

/// The most ruling lines kept of one page (a form page has a few hundred).
const MAX_RULES: usize = 50_000;

impl Drawing {
    fn segment(&mut self, start: Point, end: Point) {
        let (dx, dy) = ((end.x - start.x).abs(), (end.y - start.y).abs());
        if !(start.x.is_finite() && start.y.is_finite() && end.x.is_finite() && end.y.is_finite()) {
            return;
        }
        if self.horizontal.len() + self.vertical.len() >= MAX_RULES {
            self.truncated = true;
            return;
        }
        // Slanted lines are drawings, not rules; 0.5 pt absorbs rounding.
        if dy <= 0.5 && dx > 0.5 {
            self.horizontal.push(Rule {
                at: (start.y + end.y) / 2.0,
                from: start.x.min(end.x),
                to: start.x.max(end.x),
            });
        } else if dx <= 0.5 && dy > 0.5 {
            self.vertical.push(Rule {
                at: (start.x + end.x) / 2.0,
                from: start.y.min(end.y),
                to: start.y.max(end.y),
            });
        }
    }

    /// The straight segments of a stroked path.
    fn stroke(&mut self, path: &BezPath, transform: Affine) {
        let mut start = None;
        let mut current = None;
        for element in path.elements() {
            match *element {
                PathEl::MoveTo(point) => {
                    let point = transform * point;
                    start = Some(point);
                    current = Some(point);
                }
                PathEl::LineTo(point) => {
                    let point = transform * point;
                    if let Some(from) = current {
                        self.segment(from, point);
                    }
                    current = Some(point);
                }
                PathEl::QuadTo(_, point) | PathEl::CurveTo(_, _, point) => {
                    current = Some(transform * point);
                }
                PathEl::ClosePath => {
                    if let (Some(from), Some(to)) = (current, start) {
                        self.segment(from, to);
                    }
                    current = start;
                }
            }
        }
    }

    /// A filled path of straight lines whose box is thin is a rule along its length.
    fn fill(&mut self, path: &BezPath, transform: Affine) {
        let mut points = Vec::new();
        for element in path.elements() {
            match *element {
                PathEl::MoveTo(point) | PathEl::LineTo(point) => points.push(transform * point),
                PathEl::ClosePath => {}
                PathEl::QuadTo(..) | PathEl::CurveTo(..) => return,
            }
        }
        let Some(first) = points.first() else {
            return;
        };
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
        for point in &points {
            x0 = x0.min(point.x);
            y0 = y0.min(point.y);
            x1 = x1.max(point.x);
            y1 = y1.max(point.y);
        }
        let (width, height) = (x1 - x0, y1 - y0);
        if height < THIN && width > 2.0 * THIN {
            let y = (y0 + y1) / 2.0;
            self.segment(Point::new(x0, y), Point::new(x1, y));
        } else if width < THIN && height > 2.0 * THIN {
            let x = (x0 + x1) / 2.0;
            self.segment(Point::new(x, y0), Point::new(x, y1));
        }
    }

    fn glyph(&mut self, glyph: &PdfGlyph<'_>, transform: Affine) {
        if self.glyphs.len() >= MAX_GLYPHS {
            self.truncated = true;
            return;
        }
        let text = match glyph.as_unicode() {
            Some(BfString::Char(ch)) => ch.to_string(),
            Some(BfString::String(text)) => text,
            None => {
                self.unmapped += 1;
                return;
            }
        };
        if text.chars().all(char::is_whitespace) {
            // Spaces are told by the gaps between glyphs: PDFs do not always draw them.
            return;
        }
        let text = super::normalize(&text);
        let [_, _, c, d, _, _] = transform.as_coeffs();
        let size = 1000.0 * c.hypot(d);
        let origin = transform * Point::ORIGIN;
        let advance = match glyph {
            PdfGlyph::Outline(outline) => outline.advance_width().map(f64::from),
            PdfGlyph::Type3(_) => None,
        };
        // Without a width (Type 3 fonts), a CJK glyph is one em wide and others half of it.
        let advance = advance.filter(|advance| *advance > 0.0).unwrap_or_else(|| {
            if text.chars().any(|ch| u32::from(ch) >= 0x2E80) {
                1000.0
            } else {
                500.0
            }
        });
        let end = transform * Point::new(advance, 0.0);
        if !(size.is_finite() && size > 0.1 && origin.is_finite() && end.is_finite()) {
            return;
        }
        let glyph = Glyph {
            text,
            x0: origin.x.min(end.x),
            x1: origin.x.max(end.x),
            y: origin.y,
            size,
        };
        // Fill-and-stroke text and fake bold draw a glyph twice at (almost) the same place.
        let twice = self.glyphs.iter().rev().take(4).any(|seen| {
            seen.text == glyph.text
                && (seen.x0 - glyph.x0).abs() < 0.2 * size
                && (seen.y - glyph.y).abs() < 0.2 * size
        });
        if !twice {
            self.glyphs.push(glyph);
        }
    }
}

impl<'a> Device<'a> for Drawing {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}

    fn set_blend_mode(&mut self, _: BlendMode) {}

    fn draw_path(
        &mut self,
        path: &BezPath,
        transform: Affine,
        _: &Paint<'a>,
        draw_mode: &PathDrawMode,
    ) {
        match draw_mode {
            PathDrawMode::Stroke(_) => self.stroke(path, transform),
            PathDrawMode::Fill(_) => self.fill(path, transform),
        }
    }

    fn push_clip_path(&mut self, _: &ClipPath) {}

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}

    fn draw_glyph(
        &mut self,
        glyph: &PdfGlyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        self.glyph(glyph, transform * glyph_transform);
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {
        self.images += 1;
    }

    fn pop_clip_path(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}
