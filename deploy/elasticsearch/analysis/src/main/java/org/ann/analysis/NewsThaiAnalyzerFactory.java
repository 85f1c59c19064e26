package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_thai}: Lucene's ThaiAnalyzer (dictionary-based Thai word segmentation via the JDK BreakIterator, stop words).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_thai")
public class NewsThaiAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new ThaiAnalyzer();
    }
}
