package dev.forkline.workers.image.filter;

import static dev.forkline.workers.image.filter.Images.assertPixels;
import static dev.forkline.workers.image.filter.Images.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import org.junit.jupiter.api.Test;

/** auto-orient, flip, rotate and crop: exact pixel moves on a 3x2 image of distinct pixels. */
class GeometryFilterTest {
  // 1 2 3
  // 4 5 6
  private static final Pixels IMG = of(3, 2, 1, 2, 3, 4, 5, 6);

  private static Pixels px(int w, int h, int... v) {
    return new Pixels(w, h, v, true);
  }

  @Test
  void orientation1IsUnchanged() {
    assertPixels(px(3, 2, 1, 2, 3, 4, 5, 6), AutoOrient.apply(IMG, 1));
  }

  @Test
  void orientation2MirrorsLeftRight() {
    assertPixels(px(3, 2, 3, 2, 1, 6, 5, 4), AutoOrient.apply(IMG, 2));
  }

  @Test
  void orientation3Turns180() {
    assertPixels(px(3, 2, 6, 5, 4, 3, 2, 1), AutoOrient.apply(IMG, 3));
  }

  @Test
  void orientation4MirrorsTopBottom() {
    assertPixels(px(3, 2, 4, 5, 6, 1, 2, 3), AutoOrient.apply(IMG, 4));
  }

  @Test
  void orientation5Transposes() {
    // Stored row 0 is the visual left side, column 0 the visual top.
    assertPixels(px(2, 3, 1, 4, 2, 5, 3, 6), AutoOrient.apply(IMG, 5));
  }

  @Test
  void orientation6TurnsClockwise() {
    // Row 0 is the visual right side, column 0 the visual top.
    assertPixels(px(2, 3, 4, 1, 5, 2, 6, 3), AutoOrient.apply(IMG, 6));
  }

  @Test
  void orientation7Transverses() {
    // Row 0 is the visual right side (bottom to top), column 0 the visual bottom.
    assertPixels(px(2, 3, 6, 3, 5, 2, 4, 1), AutoOrient.apply(IMG, 7));
  }

  @Test
  void orientation8TurnsCounterClockwise() {
    // Row 0 is the visual left side (bottom to top), column 0 the visual bottom.
    assertPixels(px(2, 3, 3, 6, 2, 5, 1, 4), AutoOrient.apply(IMG, 8));
  }

  @Test
  void invalidOrientationIsTreatedAsUpright() {
    assertPixels(IMG, AutoOrient.apply(IMG, 0));
    assertPixels(IMG, AutoOrient.apply(IMG, 9));
  }

  @Test
  void configLevelAutoOrientReturnsACopyUnchanged() {
    Pixels out = Filters.parse("auto-orient").apply(IMG);
    assertPixels(IMG, out);
    assertNotSame(IMG.argb(), out.argb());
  }

  @Test
  void flipHorizontal() {
    assertPixels(px(3, 2, 3, 2, 1, 6, 5, 4), new Flip(true).apply(IMG));
  }

  @Test
  void flipVertical() {
    assertPixels(px(3, 2, 4, 5, 6, 1, 2, 3), new Flip(false).apply(IMG));
  }

  @Test
  void rotate90IsClockwise() {
    assertPixels(px(2, 3, 4, 1, 5, 2, 6, 3), Filters.parse("rotate degrees=90").apply(IMG));
  }

  @Test
  void rotate180() {
    assertPixels(px(3, 2, 6, 5, 4, 3, 2, 1), Filters.parse("rotate degrees=180").apply(IMG));
  }

  @Test
  void rotate270AndMinus90AreCounterClockwise() {
    Pixels expected = px(2, 3, 3, 6, 2, 5, 1, 4);
    assertPixels(expected, Filters.parse("rotate degrees=270").apply(IMG));
    assertPixels(expected, Filters.parse("rotate degrees=-90").apply(IMG));
  }

  @Test
  void rotate360IsUnchanged() {
    assertPixels(IMG, Filters.parse("rotate degrees=360").apply(IMG));
  }

  @Test
  void bilinearPathAt90DegreesMatchesTheExactTurn() {
    Pixels opaque = Images.smooth(5, 3);
    assertPixels(AutoOrient.apply(opaque, 6), Rotate.bilinear(opaque, 90, 0xFFFFFFFF));
  }

  @Test
  void arbitraryAngleEnlargesTheCanvasAndFillsWhiteWhenOpaque() {
    Pixels red = Pixels.filled(10, 10, 0xFFFF0000);
    Pixels out = Filters.parse("rotate degrees=45").apply(red);
    assertEquals(15, out.width()); // ceil(10 cos 45 + 10 sin 45) = ceil(14.14)
    assertEquals(15, out.height());
    assertEquals(0xFFFFFFFF, out.get(0, 0));
    assertEquals(0xFFFF0000, out.get(7, 7));
  }

  @Test
  void arbitraryAngleFillsTransparentWhenTheImageHasAlpha() {
    Pixels red = Pixels.filled(10, 10, 0x80FF0000);
    Pixels out = Filters.parse("rotate degrees=30").apply(red);
    assertEquals(0, out.get(0, 0));
    assertEquals(0x80FF0000, out.get(out.width() / 2, out.height() / 2));
    assertTrue(out.alpha());
  }

  @Test
  void arbitraryAngleUsesTheGivenBackground() {
    Pixels out = Filters.parse("rotate degrees=30 background=#00ff00").apply(Images.smooth(8, 8));
    assertEquals(0xFF00FF00, out.get(0, 0));
  }

  @Test
  void cropInside() {
    assertPixels(px(2, 1, 5, 6), new Crop(1, 1, 2, 1).apply(IMG));
  }

  @Test
  void cropPartlyOutsideIsClipped() {
    assertPixels(px(2, 2, 2, 3, 5, 6), new Crop(1, 0, 10, 10).apply(IMG));
  }

  @Test
  void cropEntirelyOutsideFailsAtApply() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Crop(3, 0, 1, 1).apply(IMG));
    assertEquals("crop: the box at x=3 y=0 lies outside the 3x2 image", e.getMessage());
  }

  @Test
  void cropRejectsAnEmptyBox() {
    assertThrows(IllegalArgumentException.class, () -> new Crop(0, 0, 0, 1));
  }
}
