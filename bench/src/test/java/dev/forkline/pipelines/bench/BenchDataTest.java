package dev.forkline.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {

  @Test
  void photosAreDeterministicAndNotFlat() {
    BufferedImage a = BenchData.photo(3, 160, 90);
    BufferedImage b = BenchData.photo(3, 160, 90);
    int[] pa = a.getRGB(0, 0, 160, 90, null, 0, 160);
    assertArrayEquals(pa, b.getRGB(0, 0, 160, 90, null, 0, 160));
    Set<Integer> colours = new HashSet<>();
    for (int p : pa) {
      colours.add(p);
    }
    assertTrue(colours.size() > 1000, "a photo-like picture has many colours: " + colours.size());
    assertNotEquals(
        pa[0], BenchData.photo(4, 160, 90).getRGB(0, 0), "another seed, another picture");
  }

  @Test
  void imagesAreWrittenOnceAndReused(@TempDir Path dir) throws Exception {
    List<Path> files = BenchData.images(dir, 3, 64, 36);
    assertEquals(3, files.size());
    BufferedImage read = ImageIO.read(files.get(2).toFile());
    assertEquals(64, read.getWidth());
    assertEquals(36, read.getHeight());
    long modified = Files.getLastModifiedTime(files.get(0)).toMillis();
    Files.setLastModifiedTime(files.get(0), java.nio.file.attribute.FileTime.fromMillis(1000));
    BenchData.images(dir, 3, 64, 36);
    assertEquals(1000, Files.getLastModifiedTime(files.get(0)).toMillis(), "kept, not rewritten");
    // another count replaces the set
    assertEquals(2, BenchData.images(dir, 2, 64, 36).size());
    try (var list = Files.list(dir)) {
      assertEquals(2, list.filter(p -> p.toString().endsWith(".jpg")).count());
    }
    assertTrue(modified > 0);
  }

  @Test
  void pagesHaveTheAskedSizeAndLinkToEachOther(@TempDir Path dir) throws Exception {
    List<String> paths = BenchData.site(dir, 5, 20_000);
    assertEquals("/p/00000.html", paths.get(0));
    String page = Files.readString(dir.resolve("p/00004.html"));
    assertTrue(page.length() >= 19_000 && page.length() <= 21_500, "size " + page.length());
    assertTrue(page.contains("<h1>Notes on brewing, part 4</h1>"));
    assertTrue(page.contains("<a href=\"/p/0000"));
    assertEquals(page, BenchData.page(4, 5, 20_000), "deterministic");
  }
}
