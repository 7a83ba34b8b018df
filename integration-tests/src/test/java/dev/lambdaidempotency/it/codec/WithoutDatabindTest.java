package dev.lambdaidempotency.it.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The library in a JVM class path without jackson-databind (a function that brings no Jackson of its own): it loads,
 * keys Map and API Gateway events, records results with the built-in codec and replays them. With databind a
 * required dependency of the core, as before issue 11, this fails with {@code NoClassDefFoundError}.
 */
class WithoutDatabindTest {
    @Test
    void theLibraryRunsWithoutDatabind() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("jackson-databind")) {
                urls.add(toUrl(entry));
            }
        }
        try (URLClassLoader withoutDatabind = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked") // the scenario is a Callable<List<String>>; List and String are shared
            Callable<List<String>> scenario = (Callable<List<String>>) withoutDatabind
                    .loadClass(WithoutDatabindScenario.class.getName()).getDeclaredConstructor().newInstance();
            assertEquals(List.of(
                    "databind absent",
                    "record: ran 1, replayed equal true",
                    "stored {\"orderId\":\"o-1\",\"amountCents\":100}",
                    "http: replayed equal true, runs 2",
                    "Instant refused: results of type java.time.Instant cannot be recorded without jackson-databind: "
                            + "java.time.Instant has no JSON form without a jackson-databind module; add "
                            + "jackson-databind to the function, or pass a ResultCodec "
                            + "(Idempotency.builder().resultCodec(...))"),
                    scenario.call());
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(entry, e);
        }
    }
}
