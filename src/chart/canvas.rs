//! A small RGB canvas: solid rectangles, anti-aliased text from the bundled font, PNG encoding.
//! The chart is made of axis-aligned rectangles and text only, so this is all the drawing it needs.

use super::ChartError;
use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, PxScaleFont, ScaleFont};
use unicode_segmentation::UnicodeSegmentation;

/// An sRGB colour.
pub type Rgb = [u8; 3];

pub(super) struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    pub fn new(width: u32, height: u32, background: Rgb) -> Canvas {
        let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
        for _ in 0..(width as usize * height as usize) {
            pixels.extend_from_slice(&background);
        }
        Canvas {
            width,
            height,
            pixels,
        }
    }

    /// Fills a rectangle (clipped to the canvas) with an opaque colour, without anti-aliasing.
    pub fn fill_rect(&mut self, x: i64, y: i64, w: i64, h: i64, color: Rgb) {
        let (x0, y0) = (x.max(0), y.max(0));
        let x1 = (x + w).min(i64::from(self.width));
        let y1 = (y + h).min(i64::from(self.height));
        for yy in y0..y1 {
            for xx in x0..x1 {
                let i = (yy as usize * self.width as usize + xx as usize) * 3;
                self.pixels[i..i + 3].copy_from_slice(&color);
            }
        }
    }

    /// A frame `thickness` pixels wide just inside the canvas's edge.
    pub fn frame(&mut self, thickness: i64, color: Rgb) {
        let (w, h) = (i64::from(self.width), i64::from(self.height));
        self.fill_rect(0, 0, w, thickness, color);
        self.fill_rect(0, h - thickness, w, thickness, color);
        self.fill_rect(0, 0, thickness, h, color);
        self.fill_rect(w - thickness, 0, thickness, h, color);
    }

    /// Lays `color` over the pixel at `coverage` (0 to 1).
    fn blend(&mut self, x: i64, y: i64, color: Rgb, coverage: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let a = coverage.clamp(0.0, 1.0);
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (dst, src) in self.pixels[i..i + 3].iter_mut().zip(color) {
            let d = f32::from(*dst);
            *dst = (d + (f32::from(src) - d) * a).round() as u8;
        }
    }

    /// Encodes the canvas as an 8-bit RGB PNG.
    pub fn encode_png(&self) -> Result<Vec<u8>, ChartError> {
        let mut out = Vec::with_capacity(self.pixels.len() / 16);
        {
            let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fast);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&self.pixels)?;
            writer.finish()?;
        }
        Ok(out)
    }
}

/// The bundled font at one size.
pub(super) struct Face<'f> {
    font: PxScaleFont<&'f FontRef<'f>>,
}

impl<'f> Face<'f> {
    pub fn new(font: &'f FontRef<'f>, px: f32) -> Face<'f> {
        Face {
            font: font.as_scaled(PxScale::from(px)),
        }
    }

    pub fn ascent(&self) -> f32 {
        self.font.ascent()
    }

    /// Distance from one baseline to the next.
    pub fn line_height(&self) -> f32 {
        self.font.height() + self.font.line_gap()
    }

    /// Glyphs of `text` with their pen positions from `x`, kerned.
    fn glyphs<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (GlyphId, f32)> + 'a {
        let mut caret = 0.0;
        let mut previous: Option<GlyphId> = None;
        text.chars().filter(|c| !c.is_control()).map(move |c| {
            let id = self.font.glyph_id(c);
            if let Some(p) = previous {
                caret += self.font.kern(p, id);
            }
            let at = caret;
            caret += self.font.h_advance(id);
            previous = Some(id);
            (id, at)
        })
    }

    /// Width of `text` in pixels.
    pub fn width(&self, text: &str) -> f32 {
        let mut end = 0.0;
        let mut last: Option<GlyphId> = None;
        for (id, at) in self.glyphs(text) {
            end = at;
            last = Some(id);
        }
        last.map_or(0.0, |id| end + self.font.h_advance(id))
    }

    /// Draws `text` with its baseline at `baseline` and its left edge at `x`.
    pub fn draw(&self, canvas: &mut Canvas, text: &str, x: f32, baseline: f32, color: Rgb) {
        for (id, at) in self.glyphs(text) {
            let glyph = id.with_scale_and_position(self.font.scale(), point(x + at, baseline));
            if let Some(outlined) = self.font.outline_glyph(glyph) {
                let b = outlined.px_bounds();
                let (ox, oy) = (b.min.x as i64, b.min.y as i64);
                outlined.draw(|gx, gy, c| {
                    canvas.blend(ox + i64::from(gx), oy + i64::from(gy), color, c);
                });
            }
        }
    }

    /// `text` with a trailing ellipsis, shortened by whole graphemes until both fit `max_width`.
    pub fn with_ellipsis(&self, text: &str, max_width: f32) -> String {
        let mut graphemes: Vec<&str> = text.graphemes(true).collect();
        loop {
            let candidate = format!("{}…", graphemes.concat().trim_end());
            if graphemes.is_empty() || self.width(&candidate) <= max_width {
                return candidate;
            }
            graphemes.pop();
        }
    }

    /// Wraps `text` at spaces into lines of at most `max_width` pixels; a word wider than a line is
    /// broken between graphemes. Beyond `max_lines`, the last line kept ends with an ellipsis.
    pub fn wrap(&self, text: &str, max_width: f32, max_lines: usize) -> Vec<String> {
        let max_lines = max_lines.max(1);
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            if lines.len() > max_lines {
                break; // enough is known: the text will be cut
            }
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate) <= max_width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            // The word alone: break it wherever it overflows.
            for g in word.graphemes(true) {
                let longer = format!("{current}{g}");
                if !current.is_empty() && self.width(&longer) > max_width {
                    lines.push(std::mem::replace(&mut current, g.to_string()));
                } else {
                    current = longer;
                }
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = self.with_ellipsis(last, max_width);
            }
        }
        lines
    }
}
