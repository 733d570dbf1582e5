package dev.forkline.pipelines;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the pipelines module's main code: no package cycles, and the layers from the
 * bottom up: {@code files}, {@code text}, {@code exec} (the engine), {@code config} (YAML to
 * settings), {@code table}, {@code run} (the runner), the pipelines ({@code image}, {@code
 * scrape}), then {@code bench}, {@code cli}, {@code daemon}, {@code launch}. The runner finds
 * pipelines and the config layer their checks through ServiceLoader, not by name.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.forkline.pipelines");

  @Test
  void thePackagesHaveNoCycles() {
    slices().matching("dev.forkline.pipelines.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theEngineKnowsNoConfigRunnerPipelineOrCommand() {
    noClasses()
        .that()
        .resideInAPackage("..pipelines.exec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "..pipelines.config..",
            "..pipelines.run..",
            "..pipelines.image..",
            "..pipelines.scrape..",
            "..pipelines.cli..")
        .check(MAIN);
  }

  @Test
  void theConfigLayerAndTheRunnerKnowNoPipeline() {
    noClasses()
        .that()
        .resideInAnyPackage("..pipelines.config..", "..pipelines.run..", "..pipelines.table..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..pipelines.image..", "..pipelines.scrape..", "..pipelines.cli..")
        .check(MAIN);
  }

  @Test
  void thePipelinesKnowNoCommand() {
    noClasses()
        .that()
        .resideInAnyPackage("..pipelines.image..", "..pipelines.scrape..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..pipelines.cli..", "..pipelines.bench..", "..pipelines.daemon..")
        .check(MAIN);
  }
}
