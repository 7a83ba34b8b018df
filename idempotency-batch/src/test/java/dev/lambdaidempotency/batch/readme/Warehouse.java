package dev.lambdaidempotency.batch.readme;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The README example's side effect: records every fulfilment, so that the test can count them. */
public final class Warehouse {
    static final List<String> FULFILLED = new CopyOnWriteArrayList<>();

    private Warehouse() {
    }

    /**
     * Fulfils an order.
     *
     * @param order the order
     * @return a fulfilment id
     */
    public static String fulfil(Order order) {
        FULFILLED.add(order.orderId());
        return "ful-" + FULFILLED.size();
    }
}
