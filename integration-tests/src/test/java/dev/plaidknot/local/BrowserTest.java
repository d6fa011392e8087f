package dev.plaidknot.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaidknot.support.LocalHttp;
import dev.plaidknot.support.ProjectFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * frontend/ in headless Chromium against the local server offline, Link and CardSwitcher being the
 * stand-ins that finish with the simulators: link, see the accounts, open CardSwitcher, log in to
 * merchants and see where the card is on file, remove. The linked state and the card's merchants
 * are kept as screenshots in integration-tests/target/browser/.
 */
class BrowserTest {

    private static final List<Path> CHROMIUM = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static LocalServer server;
    private static Path artifacts;
    private WebDriver browser;
    private WebDriverWait wait;
    private Path profile;

    @BeforeAll
    static void startServer() throws Exception {
        server = LocalServer.start(LocalServerTest.offlineOptions(Map.of(), "--offline", "--user", "browser-user"));
        artifacts = Files.createDirectories(ProjectFiles.root().resolve("integration-tests/target/browser"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void openBrowser() throws Exception {
        Path chromium = CHROMIUM.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "the browser test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
                        + " (.ci/run installs them)"));
        if (!Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("no " + CHROMEDRIVER + ": apt-get install chromium-driver (.ci/run installs it)");
        }
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // Headless, and quiet on a machine with no internet: no background calls to Google's hosts.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(server.baseUrl() + "/");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("items"), "No bank account linked yet."));
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    void link_shows_the_accounts_then_remove_takes_them_away() throws Exception {
        browser.findElement(By.id("link-button")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("link-stand-in-continue"))).click();

        WebElement item = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.item")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Linked First Platypus Bank"));
        assertThat(item.getText()).contains("First Platypus Bank").contains("Plaid Checking ••0000");
        assertThat(item.findElements(By.cssSelector("li[data-account-id]"))).hasSize(3)
                .allSatisfy(account -> assertThat(account.getText()).contains("processor token created"));
        String itemId = item.getAttribute("data-item-id");
        Path screenshot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(screenshot, artifacts.resolve("linked-account.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(new LocalHttp(server.baseUrl()).send("GET", "/items", null, "X-Local-User", "browser-user").json()
                .path("items").findValuesAsText("item_id")).containsExactly(itemId);

        item.findElements(By.cssSelector(".knot-button")).getFirst().click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "CardSwitcher session ready"));
        assertThat(browser.findElement(By.id("status")).getText()).contains("transactions linked: yes");

        // CardSwitcher's stand-in: the cardholder logs in to a merchant; Knot's simulator asks the service for the
        // card (its AUTHENTICATED webhook), receives it, and reports CARD_UPDATED; the page shows where it is on file.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("knot-stand-in-login-12"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("merchants"), "Streaming Service: card on file"));
        assertThat(browser.findElement(By.id("status")).getText()).contains("Your card is now on file at Streaming Service");
        item.findElements(By.cssSelector(".knot-button")).getFirst().click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("knot-stand-in-decline-48"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("merchants"),
                "Grocery Delivery: not switched (the merchant declined the card)"));
        Path switched = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(switched, artifacts.resolve("card-on-file.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(server.knotSimulator().orElseThrow().receivedCards()).hasSize(2);
        assertThat(new LocalHttp(server.baseUrl()).send("GET", "/knot/merchants", null, "X-Local-User", "browser-user")
                .json().path("merchants").findValuesAsText("status")).containsExactlyInAnyOrder("updated", "failed");

        item.findElement(By.cssSelector(".remove-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("items"), "No bank account linked yet."));
        assertThat(browser.findElements(By.cssSelector("section.item"))).isEmpty();
        assertThat(new LocalHttp(server.baseUrl()).send("GET", "/items", null, "X-Local-User", "browser-user").json()
                .path("items")).isEmpty();
        assertThat(server.plaidSimulator().orElseThrow().item(itemId).orElseThrow().removed()).isTrue();
    }

    @Test
    void a_link_error_is_shown_in_words_and_links_nothing() {
        browser.findElement(By.id("link-button")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("link-stand-in-fail"))).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Linking failed"));
        WebElement status = browser.findElement(By.id("status"));
        assertThat(status.getText()).contains("First Platypus Bank").contains("The credentials you provided were incorrect")
                .contains("INVALID_CREDENTIALS");
        assertThat(status.getAttribute("class")).isEqualTo("error");
        assertThat(browser.findElements(By.cssSelector("section.item"))).isEmpty();
        assertThat(browser.findElement(By.id("link-button")).isEnabled()).isTrue();
    }
}
