package io.skillmix.data.tokenizer.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code namespace(...)}: the one value a template may change, by {@code {% set ns.attr = ... %}},
 * so that a loop can carry state out of its body (Jinja2's scoping keeps plain sets inside it).
 */
final class Namespace {

  final Map<String, Object> attributes = new LinkedHashMap<>();
}
