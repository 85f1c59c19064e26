package org.ann.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_indonesian}: Lucene's IndonesianAnalyzer (Bahasa Indonesia stop words and stemming).
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_indonesian")
public class NewsIndonesianAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new IndonesianAnalyzer();
    }
}
