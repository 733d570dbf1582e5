package dev.forkline.workers.image.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forkline.workers.image.Pixels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FiltersTest {

  /** One canonical line per filter; each must read back to itself. */
  private static final List<String> CANONICAL =
      List.of(
          "auto-orient",
          "resize width=800 method=lanczos3",
          "resize height=300 method=bilinear",
          "resize width=800 height=600 fit=cover method=bicubic",
          "resize scale=0.5 method=lanczos3 never-enlarge=true",
          "crop x=1 y=2 width=3 height=4",
          "rotate degrees=90",
          "rotate degrees=-12.5 background=#ff000080",
          "flip direction=vertical",
          "grayscale",
          "blur sigma=1.5",
          "sharpen sigma=1 amount=0.5 threshold=3",
          "convolve kernel=0,-1,0;-1,5,-1;0,-1,0 divisor=2 offset=10",
          "edge-detect",
          "brightness-contrast brightness=0.1 contrast=-0.25",
          "invert",
          "threshold level=100");

  private static IllegalArgumentException error(String name, Map<String, String> params) {
    return assertThrows(IllegalArgumentException.class, () -> Filters.parse(name, params));
  }

  @Test
  void namesListsEveryFilterInOrder() {
    assertEquals(
        List.of(
            "auto-orient",
            "resize",
            "crop",
            "rotate",
            "flip",
            "grayscale",
            "blur",
            "sharpen",
            "convolve",
            "edge-detect",
            "brightness-contrast",
            "invert",
            "threshold"),
        Filters.names());
  }

  @Test
  void unknownFilterNamesTheAcceptedOnes() {
    IllegalArgumentException e = error("blurr", Map.of());
    assertEquals(
        "unknown filter 'blurr'; accepted: " + String.join(", ", Filters.names()), e.getMessage());
  }

  @Test
  void unknownParameterNamesTheAcceptedOnes() {
    IllegalArgumentException e = error("resize", Map.of("widht", "800"));
    assertEquals(
        "resize: unknown parameter 'widht'; accepted: width, height, fit, scale, method,"
            + " never-enlarge",
        e.getMessage());
  }

  @Test
  void parameterOfAFilterWithoutParametersIsRejected() {
    assertEquals(
        "grayscale: unknown parameter 'level'; accepted: none",
        error("grayscale", Map.of("level", "3")).getMessage());
  }

  @Test
  void nonNumberIsRejectedWithTheRange() {
    assertEquals(
        "resize: width must be an integer from 1 to 65535, not 'wide'",
        error("resize", Map.of("width", "wide")).getMessage());
  }

  @Test
  void outOfRangeNumberIsRejected() {
    assertEquals(
        "threshold: level must be an integer from 0 to 255, not '256'",
        error("threshold", Map.of("level", "256")).getMessage());
  }

  @Test
  void badChoiceNamesTheChoices() {
    assertEquals(
        "resize: method must be one of lanczos3, bicubic, bilinear, not 'cubic'",
        error("resize", Map.of("width", "10", "method", "cubic")).getMessage());
  }

  @Test
  void emptyValueIsRejected() {
    assertEquals(
        "blur: parameter 'sigma' has no value", error("blur", Map.of("sigma", " ")).getMessage());
  }

  @Test
  void missingRequiredParameterIsNamed() {
    assertTrue(
        error("crop", Map.of("x", "1", "y", "1", "width", "2"))
            .getMessage()
            .contains("missing parameter 'height'"));
    assertTrue(error("blur", Map.of()).getMessage().contains("missing parameter 'sigma'"));
    assertTrue(error("rotate", Map.of()).getMessage().contains("missing parameter 'degrees'"));
    assertTrue(error("flip", Map.of()).getMessage().contains("missing parameter 'direction'"));
    assertTrue(error("convolve", Map.of()).getMessage().contains("missing parameter 'kernel'"));
  }

  @Test
  void resizeNeedsASize() {
    assertTrue(error("resize", Map.of("method", "bilinear")).getMessage().contains("needs width"));
  }

  @Test
  void resizeRejectsScaleWithWidth() {
    assertEquals(
        "resize: give scale or width/height, not both",
        error("resize", Map.of("scale", "0.5", "width", "10")).getMessage());
  }

  @Test
  void resizeFitNeedsBothSides() {
    assertEquals(
        "resize: fit needs both width and height",
        error("resize", Map.of("width", "10", "fit", "cover")).getMessage());
  }

  @Test
  void blurSigmaMustBePositive() {
    assertTrue(error("blur", Map.of("sigma", "0")).getMessage().contains("greater than 0"));
    assertTrue(error("blur", Map.of("sigma", "101")).getMessage().contains("at most 100"));
  }

  @Test
  void convolveKernelMustBeSquareAndOdd() {
    assertTrue(
        error("convolve", Map.of("kernel", "1 2 3; 4 5")).getMessage().contains("square matrix"));
    assertTrue(error("convolve", Map.of("kernel", "1 2; 3 4")).getMessage().contains("odd size"));
    assertTrue(
        error("convolve", Map.of("kernel", "1 x 1; 1 1 1; 1 1 1"))
            .getMessage()
            .contains("'x' is not one"));
  }

  @Test
  void rotateBackgroundMustBeAColour() {
    assertTrue(
        error("rotate", Map.of("degrees", "10", "background", "#12345"))
            .getMessage()
            .contains("#rrggbb"));
  }

  @Test
  void canonicalLinesReadBackToThemselves() {
    for (String line : CANONICAL) {
      assertEquals(line, Filters.parse(line).describe());
    }
  }

  @Test
  void canonicalLinesCoverEveryFilter() {
    Set<String> covered = new TreeSet<>();
    for (String line : CANONICAL) {
      covered.add(line.split(" ")[0]);
    }
    assertEquals(new TreeSet<>(Filters.names()), covered);
  }

  @Test
  void describeOfAConfigEntryReadsBackToTheSameFilter() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("kernel", " 0 -1 0 ;-1, 5,-1; 0 -1 0 ");
    params.put("offset", "0");
    Filter f = Filters.parse("convolve", params);
    assertEquals("convolve kernel=0,-1,0;-1,5,-1;0,-1,0", f.describe());
    Filter back = Filters.parse(f.describe());
    Pixels img = Images.smooth(6, 5);
    Images.assertPixels(f.apply(img), back.apply(img));
  }

  @Test
  void defaultsAreSpelledOutWhereTheyMatter() {
    assertEquals(
        "resize width=10 height=20 fit=contain method=lanczos3",
        Filters.parse("resize", Map.of("width", "10", "height", "20")).describe());
    assertEquals("sharpen sigma=1 amount=1 threshold=0", Filters.parse("sharpen").describe());
    assertEquals("threshold level=128", Filters.parse("threshold").describe());
  }

  @Test
  void lineAcceptsQuotedValues() {
    Filter f = Filters.parse("convolve kernel=\"0 -1 0; -1 5 -1; 0 -1 0\"");
    assertEquals("convolve kernel=0,-1,0;-1,5,-1;0,-1,0", f.describe());
  }

  @Test
  void lineRejectsTokensWithoutEquals() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Filters.parse("resize 800"));
    assertTrue(e.getMessage().contains("expected key=value, not '800'"), e.getMessage());
  }

  @Test
  void lineRejectsRepeatedKeys() {
    assertThrows(IllegalArgumentException.class, () -> Filters.parse("blur sigma=1 sigma=2"));
  }

  @Test
  void parseBuildsTheNamedType() {
    assertInstanceOf(Resize.class, Filters.parse("resize width=1"));
    assertInstanceOf(AutoOrient.class, Filters.parse("auto-orient"));
  }
}
