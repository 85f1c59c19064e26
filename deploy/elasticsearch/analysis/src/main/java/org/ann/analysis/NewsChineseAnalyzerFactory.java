package org.ann.analysis;

import java.io.Reader;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.AnalyzerWrapper;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * {@code news_chinese}: traditional characters folded to simplified ({@link TraditionalToSimplifiedCharFilter},
 * ICU's Traditional-Simplified transform) before Lucene's SmartChineseAnalyzer (smartcn: HMM word
 * segmentation, Porter stemming of Latin words, stop words). Folding first means a traditional and a
 * simplified spelling of a text are segmented alike: 經濟 and 经济 both index as the word 经济.
 * Registered in src/main/plugin-metadata/named_components.json.
 */
@NamedComponent("news_chinese")
public class NewsChineseAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new FoldingAnalyzer(new SmartChineseAnalyzer());
    }

    /** SmartChineseAnalyzer (a final class) reading through the folding char filter. */
    private static final class FoldingAnalyzer extends AnalyzerWrapper {
        private final Analyzer delegate;

        FoldingAnalyzer(Analyzer delegate) {
            super(Analyzer.GLOBAL_REUSE_STRATEGY);
            this.delegate = delegate;
        }

        @Override
        protected Analyzer getWrappedAnalyzer(String fieldName) {
            return delegate;
        }

        @Override
        protected Reader wrapReader(String fieldName, Reader reader) {
            return new TraditionalToSimplifiedCharFilter(reader);
        }

        @Override
        protected Reader wrapReaderForNormalization(String fieldName, Reader reader) {
            return new TraditionalToSimplifiedCharFilter(reader);
        }

        @Override
        public void close() {
            delegate.close();
            super.close();
        }
    }
}
