package dev.forkline.workers.image.filter;

import static dev.forkline.workers.image.filter.Images.assertPixels;
import static dev.forkline.workers.image.filter.Images.gray;
import static dev.forkline.workers.image.filter.Images.of;

import dev.forkline.workers.image.Pixels;
import org.junit.jupiter.api.Test;

/** grayscale, invert, threshold, brightness-contrast, edge-detect: values computed by hand. */
class PointFilterTest {

  @Test
  void grayscaleUsesRec709LumaAndKeepsAlpha() {
    // 0.2126*255 = 54.2; 0.7152*255 = 182.4; 0.0722*255 = 18.4; 2.126+14.304+2.166 = 18.596.
    Pixels in = of(4, 1, 0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0x800A141E);
    Pixels expected = of(4, 1, 0xFF363636, 0xFFB6B6B6, 0xFF121212, 0x80131313);
    assertPixels(expected, Grayscale.INSTANCE.apply(in));
  }

  @Test
  void invertKeepsAlpha() {
    assertPixels(
        of(2, 1, 0x40F5EBE1, 0xFFFFFFFF), Invert.INSTANCE.apply(of(2, 1, 0x400A141E, 0xFF000000)));
  }

  @Test
  void thresholdSplitsAtLevelOnLuma() {
    Pixels in = of(4, 1, 0xFF808080, 0xFF7F7F7F, 0xFFFF0000, 0x20FFFFFF);
    Pixels expected = of(4, 1, 0xFFFFFFFF, 0xFF000000, 0xFF000000, 0x20FFFFFF);
    assertPixels(expected, new Threshold(128).apply(in));
  }

  @Test
  void brightnessAddsAFractionOfFullScaleRoundingHalfUp() {
    // +0.1 = +25.5: 0 -> 25.5 -> 26; 100 -> 125.5 -> 126; 240 -> 265.5 -> 255.
    assertPixels(
        gray(3, 1, 26, 126, 255), new BrightnessContrast(0.1, 0).apply(gray(3, 1, 0, 100, 240)));
  }

  @Test
  void contrastScalesAround128() {
    // (v - 128) * 1.5 + 128: 0 -> -64 -> 0; 100 -> 86; 200 -> 236.
    assertPixels(
        gray(3, 1, 0, 86, 236), new BrightnessContrast(0, 0.5).apply(gray(3, 1, 0, 100, 200)));
  }

  @Test
  void contrastMinusOneIsFlatGrey() {
    assertPixels(
        gray(3, 1, 128, 128, 128), new BrightnessContrast(0, -1).apply(gray(3, 1, 0, 100, 255)));
  }

  @Test
  void brightnessContrastKeepsAlpha() {
    assertPixels(of(1, 1, 0x33FFFFFF), new BrightnessContrast(1, 0).apply(of(1, 1, 0x33000000)));
  }

  @Test
  void edgeDetectOfAFlatImageIsBlack() {
    assertPixels(
        gray(3, 2, 0, 0, 0, 0, 0, 0), EdgeDetect.INSTANCE.apply(gray(3, 2, 9, 9, 9, 9, 9, 9)));
  }

  @Test
  void edgeDetectOfAVerticalStepWithClampedEdges() {
    // Column 2 is 10: gx = (10 + 2*10 + 10) - 0 = 40 wherever column 2 is in the right
    // neighbourhood.
    Pixels in = gray(3, 3, 0, 0, 10, 0, 0, 10, 0, 0, 10);
    assertPixels(gray(3, 3, 0, 40, 40, 0, 40, 40, 0, 40, 40), EdgeDetect.INSTANCE.apply(in));
  }

  @Test
  void edgeDetectMagnitudeCombinesBothDirections() {
    // A single 10 in the centre: corners gx = gy = 10 -> sqrt(200) = 14.1; sides 20; centre 0.
    Pixels in = gray(3, 3, 0, 0, 0, 0, 10, 0, 0, 0, 0);
    assertPixels(gray(3, 3, 14, 20, 14, 20, 0, 20, 14, 20, 14), EdgeDetect.INSTANCE.apply(in));
  }
}
