package dev.forkline.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless browser (Debian's chromium, driven by chromedriver): a sample
 * submitted through the form, watched to its end, its report opened; a screenshot goes to
 * serve/target/serve-page.png.
 */
class ServePageTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path dir;
  private ServeFixture serve;
  private WebDriver browser;

  @BeforeEach
  void start() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the page test needs chromium and chromedriver; on Debian: sudo apt-get install chromium"
            + " chromium-driver (Maven installs them when it runs as root)");
    serve = new ServeFixture(dir.resolve("data"), List.of(ServeFixture.REPO, dir), 1, null);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1600",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
    ChromeDriverService driver =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(driver, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (serve != null) {
      serve.close();
    }
  }

  private WebDriverWait waiting(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  @Test
  void aSampleSubmittedThroughTheFormRunsToItsEndAndShowsItsReport() throws Exception {
    Path out = dir.resolve("out");
    browser.get(serve.url("/#/submit"));
    WebElement sample = waiting(10).until(ExpectedConditions.elementToBeClickable(By.id("sample")));
    waiting(10).until(d -> new Select(sample).getOptions().size() > 1);
    new Select(sample).selectByVisibleText("image-filter.yaml");
    browser.findElement(By.id("overrides")).sendKeys("output=" + out);
    waiting(10)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("check-status"), "Valid"));
    browser.findElement(By.id("submit-button")).click();

    waiting(10).until(ExpectedConditions.urlMatches("#/jobs/\\d+$"));
    WebElement state = browser.findElement(By.cssSelector("[data-f=state]"));
    waiting(90).until(ExpectedConditions.textToBePresentInElement(state, "succeeded"));
    waiting(10)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-f=failed-rows]"), "No failed rows"));
    assertEquals("13", browser.findElement(By.cssSelector("[data-f=ok]")).getText());
    assertTrue(
        browser.findElement(By.cssSelector("[data-stage=write]")).getText().contains("13 / 13"),
        "each stage's count at the end");
    WebElement report =
        waiting(10)
            .until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("iframe.report[src]")));
    browser.switchTo().frame(report);
    waiting(10)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "all rows ok"));
    assertTrue(browser.findElements(By.cssSelector("figure img")).size() >= 2, "the contact sheet");
    browser.switchTo().defaultContent();
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Path shot = Path.of("target/serve-page.png").toAbsolutePath();
    Files.write(shot, png);
    assertTrue(Files.isRegularFile(out.resolve("manifest.parquet")));
  }

  @Test
  void theEditorMarksEachProblemAtItsLine() throws Exception {
    browser.get(serve.url("/#/submit"));
    WebElement config = waiting(10).until(ExpectedConditions.elementToBeClickable(By.id("config")));
    config.sendKeys(
        "pipeline: image-filter\ninput: "
            + ServeFixture.REPO.resolve("data/images")
            + "\noutput: "
            + dir.resolve("o")
            + "\nstages:\n  read:\n    threads: -3\n");
    WebElement problems = browser.findElement(By.id("problems"));
    waiting(10).until(d -> !problems.findElements(By.tagName("li")).isEmpty());
    List<WebElement> marked = browser.findElements(By.cssSelector("#gutter .err"));
    assertEquals(
        List.of("6"), marked.stream().map(WebElement::getText).toList(), "line 6 is marked");
    assertTrue(problems.getText().contains("stages.read.threads"), problems.getText());
    browser.findElement(By.id("submit-button")).click();
    waiting(10)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("check-status"), "Not queued"));
    assertEquals(0, serve.get("/api/jobs").json().path("jobs").size());
  }
}
