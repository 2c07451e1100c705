using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace GenAuth.Tests.Infrastructure;

/// <summary>Reads the text a QR code PNG carries, as a phone's scanner would: PNG to pixels (below), pixels to text (ZXing).</summary>
public static class QrImage
{
    public static string Decode(byte[] png)
    {
        var (width, height, luminance) = Pixels(png);
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height, RGBLuminanceSource.BitmapFormat.Gray8)));
        var result = new QRCodeReader().decode(bitmap, new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true })
                     ?? new QRCodeReader().decode(bitmap);
        Assert.True(result is not null, "The PNG holds no readable QR code");
        return result!.Text;
    }

    // Note: a minimal PNG reader (non-interlaced greyscale or palette of 1 to 8 bits, or 8-bit RGB/RGBA), enough for what
    // QR generators write; it keeps the test free of a native imaging library.
    private static (int Width, int Height, byte[] Gray) Pixels(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        int width = 0, height = 0, bitDepth = 0, colorType = 0;
        byte[] palette = [];
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    Assert.Equal(0, data[12]); // not interlaced
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            at += 12 + length;
        }
        var channels = colorType switch { 0 or 3 => 1, 2 => 3, 6 => 4, 4 => 2, _ => throw new NotSupportedException($"PNG colour type {colorType}") };
        var bitsPerPixel = channels * bitDepth;
        var stride = (width * bitsPerPixel + 7) / 8;
        var bpp = Math.Max(1, bitsPerPixel / 8);
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            z.CopyTo(inflated);
        var raw = inflated.ToArray();
        var rows = new byte[height * stride];
        var previous = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
            for (var i = 0; i < stride; i++)
            {
                int a = i >= bpp ? line[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                line[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                });
            }
            line.CopyTo(rows, y * stride);
            previous = line;
        }
        var gray = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var row = rows.AsSpan(y * stride, stride);
                gray[y * width + x] = colorType switch
                {
                    0 => Scale(Sample(row, x, bitDepth), bitDepth),
                    3 => Luma(palette, Sample(row, x, bitDepth) * 3),
                    4 => row[x * 2],
                    _ => Luma(row.ToArray(), x * channels),
                };
            }
        }
        return (width, height, gray);
    }

    private static int Sample(ReadOnlySpan<byte> row, int x, int bitDepth)
    {
        if (bitDepth == 8)
            return row[x];
        var bit = x * bitDepth;
        return (row[bit / 8] >> (8 - bitDepth - bit % 8)) & ((1 << bitDepth) - 1);
    }

    private static byte Scale(int value, int bitDepth) => (byte)(value * 255 / ((1 << bitDepth) - 1));

    private static byte Luma(byte[] rgb, int at) => (byte)((rgb[at] * 299 + rgb[at + 1] * 587 + rgb[at + 2] * 114) / 1000);

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
