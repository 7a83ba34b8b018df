package dev.lambdaidempotency.it.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Redis example is {@link RedisOrderFunction}, line for line: it compiles, and cannot drift. */
class ReadmeRedisExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "lambdaidempotency", "it", "readme",
            "RedisOrderFunction.java");

    @Test
    void theReadmeExampleIsTheCompiledClass() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("## Redis / Valkey store");
        assertTrue(start >= 0, "README has no \"## Redis / Valkey store\" section");
        int open = lines.subList(start, lines.size()).indexOf("```java") + start;
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        List<String> source = Files.readAllLines(EXAMPLE);
        assertEquals(source.subList(source.indexOf("// README example start") + 1,
                source.indexOf("// README example end")), lines.subList(open + 1, close));
    }
}
