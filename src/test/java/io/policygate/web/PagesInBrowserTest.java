package io.policygate.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.journal.JobState;
import io.policygate.testing.ConfigMapPolicies;
import io.policygate.testing.InjectPolicyDir;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.policygate.testing.WritablePolicies;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs),
 * with JavaScript switched off: what a person sees after real evaluations, on a desktop and on a phone.
 * Screenshots are left in target/screenshots.
 */
@QuarkusTest
@TestProfile(WritablePolicies.class)
class PagesInBrowserTest extends ServiceTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @InjectPolicyDir
    ConfigMapPolicies configMap;

    @TestHTTPResource("/")
    URL root;

    private ChromeDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            System.out.println("PagesInBrowserTest skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed"
                    + " (Debian packages chromium and chromium-driver; .ci/run installs them)");
        }
        Assumptions.assumeTrue(installed, "no Chromium: install Debian's chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags keep Chromium off the network it cannot reach here and keep its renderer from being throttled as
        // a background tab on a busy machine; JavaScript is off to prove it is not needed.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-renderer-backgrounding",
                "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows",
                "--user-data-dir=" + Files.createTempDirectory("policy-gate-chromium"));
        options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** The pages with the API token as the password of HTTP Basic, as a browser's sign-in prompt sends it. */
    private String page(String path) {
        return root.toString().replace("://", "://reviewer:test-api-token@").replaceAll("/$", "") + path;
    }

    private String evaluate(String fixture, int iid, JobState expected) {
        String id = Webhooks.accept(Payloads.forMergeRequest(fixture, iid, Payloads.sha(iid)));
        journal.awaitState(id, expected);
        return id;
    }

    private String text(By by) {
        return browser.findElement(by).getText();
    }

    /** Loads a page and waits until its heading is there, so nothing below races the page's own load. */
    private void open(String path) {
        browser.get(page(path));
        awaitHeading();
    }

    /** Navigates and waits until the next page replaced this one, so the heading read next is not this page's. */
    private void awaitNextPage(Runnable navigation) {
        WebElement heading = browser.findElement(By.tagName("h1"));
        navigation.run();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.stalenessOf(heading));
        awaitHeading();
    }

    private void awaitHeading() {
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
    }

    /**
     * Screenshots are for a person looking at target/screenshots, not evidence: the assertions are. Chromium's
     * capture waits for a rendered frame and on a loaded CI machine it has timed out ("aborted by navigation") on a
     * page whose every assertion passed, so a shot that cannot be taken is reported and the test goes on.
     */
    private void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (WebDriverException e) {
            System.out.println("PagesInBrowserTest: screenshot " + name + " not taken: " + e.getRawMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theOverviewDrawsTodaysVerdictsWithoutScriptAndFitsAPhone() {
        configMap.publishAndAwait(
                ConfigMapPolicies.shipped("jira-ticket.yaml", "compliance-review.yaml", "protected-paths.yaml"));
        evaluate(Payloads.SAMPLE, 7731, JobState.REPORTED);
        evaluate(Payloads.SAMPLE, 7732, JobState.REPORTED);
        browser.manage().window().setSize(new Dimension(390, 844));

        open("/overview");

        assertEquals("Compliance overview · policy-gate", browser.getTitle());
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        WebElement day = browser.findElement(By.cssSelector("svg g.day[data-day='" + today + "']"));
        assertTrue(Long.parseLong(day.getAttribute("data-failed")) >= 2, day.getAttribute("data-failed"));
        WebElement failedBar = day.findElement(By.cssSelector("rect.bar-failed"));
        assertTrue(Integer.parseInt(failedBar.getAttribute("height")) > 0);
        assertTrue(failedBar.getSize().getHeight() > 0, "the bar is drawn");
        assertEquals(30, browser.findElements(By.cssSelector("svg g.day")).size());
        assertTrue(text(By.id("failing-rules-table")).contains("jira-ticket"), text(By.id("failing-rules-table")));
        int chart = browser.findElement(By.cssSelector("figure.chart svg"))
                .getSize()
                .getWidth();
        assertTrue(chart > 0 && chart <= 390, "the chart fits the phone's width: " + chart);
        screenshot("overview-phone");
    }

    @Test
    void aPersonSeesRecentVerdictsDeadLettersLoadErrorsAndWhyOneFailed() throws IOException {
        configMap.publishAndAwait(
                ConfigMapPolicies.shipped("jira-ticket.yaml", "compliance-review.yaml", "protected-paths.yaml"));
        gitlab.stubFor(post(urlPathEqualTo("/api/v4/projects/6/merge_requests/9101/status_check_responses"))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"404 Not found\"}")));
        String dead = evaluate(Payloads.SAMPLE, 9101, JobState.DEAD);
        String failed = evaluate(Payloads.SAMPLE, 9102, JobState.REPORTED);
        evaluate(Payloads.COMPLIANT, 9103, JobState.REPORTED);
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("jira-ticket.yaml", "name: jira-ticket\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        configMap.publish(broken);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !given().header("Authorization", "Bearer test-api-token")
                        .get("/api/v1/policies")
                        .then()
                        .extract()
                        .<Boolean>path("lastLoad.ok"));

        open("/");
        assertEquals("Recent evaluations · policy-gate", browser.getTitle());
        assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));
        assertTrue(browser.findElements(By.tagName("script")).isEmpty(), "the pages need no script");
        String loadErrors = text(By.cssSelector("[aria-labelledby=load-errors]"));
        assertTrue(loadErrors.contains("The latest policy change was rejected"), loadErrors);
        assertTrue(loadErrors.contains("jira-ticket.yaml:4 rules[0].pattern"), loadErrors);
        String deadLetters = text(By.cssSelector("[aria-labelledby=dead-letters]"));
        assertTrue(
                deadLetters.contains(
                        "flightjs/Flight !9101 at " + Payloads.sha(9101).substring(0, 8)),
                deadLetters);
        assertTrue(deadLetters.contains("GitLab answered 404"), deadLetters);
        assertTrue(
                deadLetters.contains("Fix: the merge request or the external status check id does not exist"),
                deadLetters);
        WebElement deadRow = browser.findElement(By.xpath("//tr[td//a[@href='/evaluations/" + dead + "']]"));
        assertEquals("dead", deadRow.getAttribute("class"));
        assertTrue(deadRow.getText().contains("not reported"), deadRow.getText());
        WebElement failedRow = browser.findElement(By.xpath("//tr[td//a[@href='/evaluations/" + failed + "']]"));
        assertTrue(failedRow.getText().contains("failed"), failedRow.getText());
        assertTrue(failedRow.getText().contains("flightjs/Flight"), failedRow.getText());
        assertTrue(failedRow.getText().contains(Payloads.sha(9102).substring(0, 8)), failedRow.getText());
        assertEquals(
                gitlab.baseUrl() + "/flightjs/Flight/-/merge_requests/9102",
                failedRow.findElement(By.linkText("!9102")).getAttribute("href"));
        String passedRow =
                browser.findElement(By.xpath("//tr[td//a[text()='!9103']]")).getText();
        assertTrue(passedRow.contains("passed"), passedRow);
        screenshot("index-desktop");

        awaitNextPage(failedRow.findElement(By.linkText("Why"))::click);
        assertEquals("flightjs/Flight !9102: failed", text(By.tagName("h1")));
        WebElement jira = jiraSection();
        assertTrue(jira.getText().contains("failed"), jira.getText());
        assertTrue(jira.getText().contains("Reference a Jira ticket such as PAY-123"), jira.getText());
        assertTrue(jira.getText().contains("title: Update README.md"), jira.getText());
        WebElement paths =
                browser.findElement(By.xpath("//section[h3[starts-with(normalize-space(.), 'protected-paths')]]"));
        assertTrue(paths.getText().contains("passed"), paths.getText());
        String attempts = text(By.xpath("//h2[@id='attempts']/following-sibling::div[1]//table"));
        assertTrue(attempts.contains("201") && attempts.contains("delivered"), attempts);
        assertTrue(text(By.id("note")).contains("Merge request note"));
        screenshot("evaluation-desktop");

        browser.manage().window().setSize(new Dimension(390, 844));
        awaitNextPage(browser.navigate()::refresh);
        assertFitsTheWindow();
        WebElement message = jiraSection().findElement(By.cssSelector("td[data-label=Message]"));
        assertTrue(message.isDisplayed() && message.getText().startsWith("Reference a Jira ticket"), message.getText());
        screenshot("evaluation-phone");

        open("/evaluations/" + dead);
        assertTrue(text(By.cssSelector("[aria-labelledby=dead]")).contains("Fix: the merge request"));
        screenshot("dead-phone");

        open("/evaluations/no-such-evaluation");
        assertEquals("Not Found", text(By.tagName("h1")));
        assertTrue(text(By.tagName("main")).contains("no evaluation no-such-evaluation"));
    }

    @Test
    void everyPageFillsTheWindowAndBreaksNoWordOnADeskAndOnAPhone() {
        configMap.publishAndAwait(
                ConfigMapPolicies.shipped("jira-ticket.yaml", "compliance-review.yaml", "protected-paths.yaml"));
        String id = evaluate(Payloads.SAMPLE, 7741, JobState.REPORTED);
        for (int width : new int[] {1280, 390}) {
            browser.manage().window().setSize(new Dimension(width, 900));
            for (String path :
                    new String[] {"/", "/evaluations/" + id, "/overview", "/merges", "/projects", "/preview"}) {
                open(path);
                String where = path + " at " + width + " px";
                assertFitsTheWindow();
                Object broken = script("return [...document.querySelectorAll('main td, main th, main code, main .badge,"
                        + " main h3, main dt, main a')].filter(e => { const t = e.textContent.trim();"
                        + " if (!/^\\w{2,24}$/.test(t)) return false; const r = document.createRange();"
                        + " r.selectNodeContents(e); const q = [...r.getClientRects()].filter(b => b.width > 0);"
                        + " return q.some(a => q.some(b => b.top >= a.bottom - 1)); })"
                        + ".map(e => e.textContent.trim()).join(', ');");
                // Words only: a name such as root-main-patch-30152 may wrap after a hyphen, as text does.
                assertEquals("", broken, "words broken over two lines on " + where);
                if (width == 1280) {
                    long main = (Long)
                            script("return Math.round(document.querySelector('main').getBoundingClientRect().width);");
                    long window = (Long) script("return document.documentElement.clientWidth;");
                    assertEquals(window, main, "main fills the window on " + where);
                }
                screenshot((path.startsWith("/evaluations/")
                                ? "evaluation"
                                : path.equals("/") ? "index" : path.substring(1))
                        + "-" + width);
            }
        }
        open("/overview");
        assertTrue(
                browser.findElements(By.cssSelector("figure.chart svg text.x")).stream()
                        .map(WebElement::getText)
                        .anyMatch(label -> label.matches("[A-Z][a-z]{2} \\d{1,2}")),
                "the day axis is dated");
        List<String> drawn = new ArrayList<>();
        for (String series : List.of("passed", "failed")) {
            if (browser.findElements(By.cssSelector("svg g.day")).stream()
                    .anyMatch(day -> Long.parseLong(day.getAttribute("data-" + series)) > 0)) {
                drawn.add(series);
            }
        }
        assertTrue(drawn.contains("failed"), "the sample's failed verdict is drawn");
        assertEquals(
                "Verdicts per day (UTC), "
                        + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(29) + " to "
                        + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ": " + String.join(" ", drawn),
                text(By.cssSelector("figure.chart figcaption")),
                "the legend names only what is drawn");
    }

    private Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** Nothing is wider than the window: a phone never scrolls sideways (tables scroll inside their own box). */
    private void assertFitsTheWindow() {
        long overflow =
                (Long) script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertTrue(
                overflow <= 0,
                "the page " + browser.getCurrentUrl().replaceFirst("^.*@[^/]+", "") + " is wider than the window by "
                        + overflow + " px: "
                        + script(
                                "return [...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth + 1"
                                        + " && getComputedStyle(e).overflowX == 'visible').map(e => e.tagName + '.' + e.className)"
                                        + ".join(', ');"));
    }

    private WebElement jiraSection() {
        return browser.findElement(By.xpath("//section[h3[starts-with(normalize-space(.), 'jira-ticket')]]"));
    }
}
