package dev.forkline.pipelines.image;

/** {@link ImageResumeTest}'s cases with the listing split over workers ({@code listing: split}). */
class SplitImageResumeTest extends ImageResumeTest {
  @Override
  String listing() {
    return "split";
  }
}
