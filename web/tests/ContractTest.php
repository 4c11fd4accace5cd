<?php

declare(strict_types=1);

namespace CatalogSearch\Web\Tests;

use CatalogSearch\Web\Pages;
use CatalogSearch\Web\SearchState;
use PHPUnit\Framework\TestCase;

/**
 * The site's copies of the API's names follow the OpenAPI document, which
 * the Go tests pin to the domain (internal/api TestOpenAPINamesFollowTheDomain):
 * a mode or facet renamed in Go fails here until the site follows.
 */
final class ContractTest extends TestCase
{
    /** @return array<string, mixed> */
    private static function openapi(): array
    {
        $doc = json_decode((string) file_get_contents(__DIR__ . '/../../internal/api/openapi.json'), true);
        self::assertIsArray($doc, 'internal/api/openapi.json');
        return $doc;
    }

    public function testUploadModesAreTheApis(): void
    {
        $doc = json_encode(self::openapi(), JSON_THROW_ON_ERROR);
        self::assertSame(1, preg_match('/"mode":\{[^}]*"enum":(\[[^\]]*\])/', $doc, $m), 'the upload request documents its modes');
        self::assertSame(json_decode($m[1], true), Pages::UPLOAD_MODES);
    }

    public function testSearchFacetsAreDocumented(): void
    {
        $facets = null;
        foreach (self::openapi()['paths']['/v1/search']['get']['parameters'] as $p) {
            if (($p['name'] ?? '') === 'facets') {
                $facets = $p['schema']['pattern'];
            }
        }
        self::assertIsString($facets, 'GET /v1/search documents its facets');
        foreach (array_merge(SearchState::FACETS, ['currency', 'price']) as $name) {
            self::assertMatchesRegularExpression('/' . str_replace('/', '\/', $facets) . '/', $name, "facet $name");
        }
        self::assertDoesNotMatchRegularExpression('/' . str_replace('/', '\/', $facets) . '/', 'colour');
    }
}
