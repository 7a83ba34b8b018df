package dev.lambdaidempotency.it.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's stream handler example is {@link ReportStreamFunction}, line for line: the example compiles because
 * this module does, and it cannot drift from the README without failing here.
 */
class ReadmeStreamHandlerExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "lambdaidempotency", "it", "readme",
            "ReportStreamFunction.java");

    @Test
    void theReadmeExampleIsTheCompiledClassAndAtMostFifteenLines() throws IOException {
        List<String> readme = firstJavaBlockAfter(Files.readAllLines(README), "## Stream handlers");
        List<String> source = Files.readAllLines(EXAMPLE);
        List<String> example = source.subList(source.indexOf("// README example start") + 1,
                source.indexOf("// README example end"));

        assertEquals(example, readme);
        assertTrue(readme.size() <= 15, "the README example has " + readme.size() + " lines");
        assertTrue(RequestStreamHandler.class.isAssignableFrom(ReportStreamFunction.class));
    }

    private static List<String> firstJavaBlockAfter(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "README has no \"" + heading + "\" section");
        int open = lines.subList(start, lines.size()).indexOf("```java") + start;
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        return lines.subList(open + 1, close);
    }
}
