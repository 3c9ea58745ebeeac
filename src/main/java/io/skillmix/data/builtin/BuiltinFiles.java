package io.skillmix.data.builtin;

import java.nio.file.Path;

/** Where one built-in set lies on disk as Alpaca JSON Lines. */
public record BuiltinFiles(String name, Path train, Path heldOut) {}
