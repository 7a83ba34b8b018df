package dev.lambdaidempotency.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

    @Test
    void anExactEstimateIsHandedOutWithoutACopy() throws IOException {
        ByteSink sink = new ByteSink(1000);
        byte[] data = new byte[1000];
        data[999] = 7;
        sink.write(data, 0, data.length);
        assertSame(sink.array(), sink.toExactArray(), "no copy when the buffer is exactly full");
        assertArrayEquals(data, sink.newStream().readAllBytes());
    }

    @Test
    void growthStopsDoublingAtTheLikelyMaximum() {
        ByteSink sink = new ByteSink(300, 1_000);
        for (int i = 0; i < 9; i++) {
            sink.write(new byte[100], 0, 100);
        }
        assertEquals(1_000, sink.array().length, "300 -> 600 -> 1000, not 1200");
        sink.write(new byte[200], 0, 200);
        assertEquals(1_100, sink.size());
        assertEquals(1_100, sink.array().length, "past the estimate it grows only as needed");
    }
}
