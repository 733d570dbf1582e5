package dev.forkline.workers;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The workers module's rules: it runs inside worker JVMs, so it knows nothing of Beam or of the
 * pipelines, and its packages have no cycles.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("dev.forkline.workers");

  @Test
  void workersNeverUseBeamOrThePipelines() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.beam..", "dev.forkline.pipelines..")
        .check(MAIN);
  }

  @Test
  void thePackagesHaveNoCycles() {
    slices().matching("dev.forkline.workers.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
