package dev.forkline.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forkline.pipelines.TestFiles;
import dev.forkline.pipelines.run.ParityRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image listing split into walked units and a keyed conflict check: the rows of one walk. */
class SplitFileListingTest {
  @TempDir Path dir;

  @Test
  void walkOrderIsNameByName() {
    List<String> keys = new ArrayList<>(List.of("a.jpg", "a/x.jpg", "a/b/y.jpg", "a-b.jpg", "B"));
    keys.sort(FolderWalk.ORDER);
    // A folder's files come right after its name, as a sorted depth-first walk meets them.
    assertEquals(List.of("B", "a/b/y.jpg", "a/x.jpg", "a-b.jpg", "a.jpg"), keys);
  }

  @Test
  void aSplitListingMakesTheRowsOfASingleWalk() throws Exception {
    Path in = dir.resolve("in");
    // A flat folder of more files than a unit holds, folders deeper than the top is listed,
    // two inputs for one output name (format png), files no pattern takes, a link to a file
    // outside the folder, a link to a folder and a FIFO.
    for (int i = 0; i < 150; i++) {
      Files.createDirectories(in.resolve("flat"));
      Files.writeString(in.resolve("flat/not-an-image-" + i + ".jpg"), "x" + i);
    }
    TestFiles.image(in.resolve("a/b/c/d/deep.png"), "png", 12, 8);
    TestFiles.image(in.resolve("photo.jpg"), "jpg", 10, 10);
    TestFiles.image(in.resolve("photo.png"), "png", 12, 12);
    TestFiles.image(in.resolve("sub/photo.jpg"), "jpg", 10, 10);
    TestFiles.image(in.resolve("sub/photo.PNG"), "png", 14, 10);
    Files.writeString(in.resolve("notes.txt"), "not listed");
    Path outside = TestFiles.image(dir.resolve("outside.png"), "png", 9, 9);
    Files.createSymbolicLink(in.resolve("link-out.png"), outside);
    Files.createSymbolicLink(in.resolve("link-dir.png"), in.resolve("sub"));
    new ProcessBuilder("mkfifo", in.resolve("fifo.png").toString()).start().waitFor();

    new ParityRuns(dir, "direct")
        .withOtherSets("listing=split")
        .imageFolder(in, List.of("image-filter.format=png"), null);
  }
}
