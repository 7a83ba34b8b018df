package dev.lambdaidempotency.http.readme;

import java.util.concurrent.atomic.AtomicInteger;

/** The README example's business logic: creates an order per call, rejects a body without "item". */
public final class Orders {
    private final AtomicInteger created = new AtomicInteger();

    /**
     * @param body the request body
     * @return the created order as JSON
     * @throws InvalidOrderException when the body names no item
     */
    public String create(String body) {
        if (body == null || !body.contains("\"item\"")) {
            throw new InvalidOrderException("an order needs an item");
        }
        return "{\"order\":" + created.incrementAndGet() + "}";
    }

    /**
     * @return how many orders were created
     */
    public int created() {
        return created.get();
    }
}
