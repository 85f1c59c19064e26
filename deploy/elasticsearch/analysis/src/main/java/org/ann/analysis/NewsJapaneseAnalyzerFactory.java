package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_japanese}: Lucene's JapaneseAnalyzer (kuromoji morphological tokenizer in search mode,
 * base forms, part-of-speech and stop word removal, full/half-width folding, katakana stemming),
 * so a conjugated verb (食べた) matches its dictionary form (食べる).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_japanese")
public class NewsJapaneseAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new JapaneseAnalyzer();
    }
}
